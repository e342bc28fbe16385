/**
 * Reading what people text us: one SMS body in, one {@link org.shouhu.routes.command.Command} out.
 *
 * <p>Grandparents answer on basic phones, slowly, mostly with a digit: "1" (收到, got it), "2 小明"
 * (请假, absent), "3" (护送, walk them home), "4" (查询, status), "0" or "?" (帮助, help), and register
 * once with "DJ 王小明 ZT0427". Site staff run the day with short commands: "到 3 5 7" (check in by
 * roster number), "走 3 奶奶" (check out, and who came), 未到, 名单, "批 12", "通知 …" (notice to every
 * guardian). Anyone can stop messages with TD/T/N/R/退订/STOP and resume with KS/开始/START.
 *
 * <p>The tour:
 * <ul>
 *   <li>{@link org.shouhu.routes.command.Normalizer} folds what phones and input methods vary on:
 *       full-width forms (NFKC), case, spaces, punctuation at the ends, traditional command words.</li>
 *   <li>{@link org.shouhu.routes.command.CommandParser} looks the leading word up in a table of
 *       spellings per {@link org.shouhu.routes.command.Verb} and reads that verb's arguments.
 *       Opt-out, opt-in and the bare replies count only as the whole message, so "TZ …" is never
 *       "T", and "NO" is not "N".</li>
 *   <li>{@link org.shouhu.routes.command.Command} is what came out: one record per verb, plus
 *       {@code Malformed} (a known word with bad arguments, answered with that command's usage) and
 *       {@code Unknown} (anything else, answered with help).</li>
 * </ul>
 *
 * <p>Parsing never throws and knows nothing about who sent the message; whether a guardian may
 * check children in is decided by whoever handles the command.
 */
package org.shouhu.routes.command;
