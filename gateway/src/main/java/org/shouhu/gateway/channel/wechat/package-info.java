/**
 * A WeChat Official Account (公众号) as a channel: migrant parents follow the account and message it; the gateway
 * answers them as customer-service messages (客服消息), or as a template message (模板消息) once 48 hours have passed
 * since they last wrote. Addresses are {@code wechat:<openid>}.
 *
 * <ul>
 *   <li>{@link org.shouhu.gateway.channel.wechat.WechatSettings} — AppID, AppSecret, Token, the EncodingAESKey of
 *       safe mode, the API's base URL (a stub in tests) and the template; read from {@code WECHAT_*} variables.</li>
 *   <li>{@link org.shouhu.gateway.channel.wechat.WechatEndpoint} ({@code GET}/{@code POST /wechat}) — the server
 *       URL. Checks {@link org.shouhu.gateway.channel.wechat.WechatSignature the signature} and the timestamp of every
 *       call, decrypts safe-mode messages ({@code WechatCrypto}: AES-256-CBC with WeChat's 32-byte PKCS#7), parses
 *       the XML with DTDs refused ({@code WechatXml}), and hands text messages, follows ({@code /start}, with the
 *       invite code of a parametric QR code) and unfollows ({@code /stop}) to the {@code InboundSink}.</li>
 *   <li>{@link org.shouhu.gateway.channel.wechat.WechatSender} — a {@code ChannelSender} for {@code wechat}
 *       addresses: customer-service message first, template message outside the window, WeChat's errcodes sorted
 *       into transient, permanent and unreachable (the follower left or blocked us: fall back to SMS).</li>
 *   <li>{@link org.shouhu.gateway.channel.wechat.WechatAccessToken} — the access token every API call needs: cached,
 *       refreshed 5 minutes early by one thread, fetched anew when WeChat rejects it.</li>
 *   <li>{@link org.shouhu.gateway.channel.wechat.WechatApi} — the JDK HTTP client with 5 s / 10 s timeouts and JSON;
 *       its failures are {@link org.shouhu.gateway.channel.wechat.WechatApiException}s.</li>
 * </ul>
 *
 * <p>Logs show openids masked and never a message's text, the access token, the AppSecret or the keys.
 * Platform-side setup: {@code docs/channels/wechat.md}.
 */
package org.shouhu.gateway.channel.wechat;
