/**
 * The county's rosters from spreadsheets: {@code shouhu import --sites sites.csv --children
 * children.csv [--staff staff.csv]} (columns and examples in {@code docs/import.md}).
 *
 * <p>The tour:
 * <ul>
 *   <li>{@link org.shouhu.gateway.importer.CsvImport} runs it: reads the files, and when every row
 *       is good writes them with one {@code CareStore.importAll} (one Redis transaction); otherwise
 *       it writes nothing and throws {@link org.shouhu.gateway.importer.ImportRejected} with every
 *       problem. Its static {@code run} is the command line: flags ({@code ImportArgs}) in, a
 *       summary or the problems and an exit code (0, 1 bad rows, 2 usage or unreadable file) out.</li>
 *   <li>{@code CsvFile} reads one file as spreadsheets save it: UTF-8 with or without a BOM (GBK
 *       from an older Excel is refused with how to save it), the header checked for missing,
 *       unknown and doubled columns, blank rows skipped, each row with its line as a person
 *       counts lines.</li>
 *   <li>{@code ImportPlan} checks each row with the admin API's input rules
 *       ({@link org.shouhu.gateway.admin.SiteInput} and its siblings) and across files and the
 *       store: a site code twice, a child's site unknown, a staff phone already at another site,
 *       a child's name already on the site's roster.</li>
 *   <li>{@code ImportErrors} words each problem as {@code children.csv line 7: guardian1_phone
 *       "1391234" is not a phone number}, named by the column as the file names it.</li>
 * </ul>
 *
 * <p>The problem lines quote the files (phones, children's names): they go to the person running
 * the import, never to the log, which only counts them.
 */
package org.shouhu.gateway.importer;
