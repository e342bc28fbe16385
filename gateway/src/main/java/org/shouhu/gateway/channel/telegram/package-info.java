/**
 * Telegram as a channel, for parents far away: their messages to the bot come in through Telegram's webhook, and
 * replies and notices go out through the Bot API's {@code sendMessage}. A person's address here is
 * {@code telegram:{chat_id}}; the chat of a private conversation has the person's user id.
 *
 * <ul>
 *   <li>{@link org.shouhu.gateway.channel.telegram.TelegramSettings} — the bot token, the webhook's secret token, and
 *       the Bot API's base URL (a local stub in tests).</li>
 *   <li>{@link org.shouhu.gateway.channel.telegram.TelegramWebhookEndpoint} ({@code POST /telegram}) — refuses calls
 *       without our secret token (403), hands each text message from a private chat to the {@code InboundSink} as
 *       typed ({@code /start 123456}, {@code 4}, {@code 绑定 123456}), and answers every other update 200 so Telegram
 *       stops sending it. It does not deduplicate: the sink acts once per {@code update_id}.</li>
 *   <li>{@link org.shouhu.gateway.channel.telegram.TelegramSender} — a {@code ChannelSender} for {@code telegram}
 *       addresses: one request per send over the JDK's HTTP client (5 s / 10 s timeouts), and Telegram's refusals
 *       sorted by {@code TelegramFailures}: 429 and 5xx are retried (after {@code retry_after} when Telegram says),
 *       a blocked bot or a chat that is gone makes the person unreachable on Telegram, other refusals fail the
 *       message.</li>
 * </ul>
 *
 * <p>The token is part of every Bot API URL, so no URL is logged; logs show chat ids masked and never a message's
 * text. Setting up the bot and the webhook: {@code docs/channels/telegram.md}.
 */
package org.shouhu.gateway.channel.telegram;
