/**
 * Message texts and their renderer. {@link org.shouhu.templates.TemplateKey} names every message
 * and its SMS segment budget; {@link org.shouhu.templates.Templates} renders the Mustache files
 * under {@code shouhu/templates/zh-CN/sms/}; {@link org.shouhu.templates.SmsLength} counts
 * segments the way carriers bill them (UCS-2 for Chinese: 70 single, 67 per part).
 */
package org.shouhu.templates;
