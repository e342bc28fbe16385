package org.shouhu.gateway.channel.wechat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** The test fixtures of this package: WeChat's callback bodies and API answers, and the settings they belong to. */
final class Fixtures {

    static final String APP_ID = "wx5823bf96d3bd56c7";
    /** Not a real secret: only the tests and the stub know it. */
    static final String APP_SECRET = "test-app-secret-0123456789abcdef";
    static final String TOKEN = "shouhuTestToken2025";
    /** A made-up EncodingAESKey (43 letters and digits). */
    static final String AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    static final String TEMPLATE_ID = "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY";
    /** The openid of a parent in the sender tests (the official crypto demo's, without its Chinese). */
    static final String OPENID = "oia2TjjewbmiOUlr6X-1crbLOvLw";
    static final Instant NOW = Instant.parse("2025-07-15T08:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    /** WeChat's official crypto demo (WXBizMsgCryptTest): key, AppID, Token, timestamp, nonce, random and results. */
    static final String DEMO_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    static final String DEMO_APP_ID = "wxb11529c136998cb6";
    static final String DEMO_TOKEN = "pamtest";
    static final String DEMO_TIMESTAMP = "1409304348";
    static final String DEMO_NONCE = "xxxxxx";
    static final String DEMO_RANDOM = "aaaabbbbccccdddd";
    static final String DEMO_PLAINTEXT = "我是中文abcd123";
    static final String DEMO_CIPHERTEXT =
            "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==";
    static final String DEMO_VIDEO_MESSAGE = "<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName>"
            + "<FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime>"
            + "<MsgType><![CDATA[video]]></MsgType><Video><MediaId>"
            + "<![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId>"
            + "<Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]>"
            + "</Description></Video></xml>";
    static final String DEMO_VIDEO_CIPHERTEXT = "jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4R"
            + "sLWzQRG9udbKWesxlkupqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8H"
            + "LXa5nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZ"
            + "I27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmk"
            + "wWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqR"
            + "OxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hG"
            + "wx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb";

    private Fixtures() {
    }

    /** Plain mode: no EncodingAESKey; the API is not called. */
    static WechatSettings plainSettings() {
        return new WechatSettings(APP_ID, APP_SECRET, TOKEN, null, "http://127.0.0.1:9", TEMPLATE_ID);
    }

    /** Safe mode with our test key; the API is not called. */
    static WechatSettings safeSettings() {
        return new WechatSettings(APP_ID, APP_SECRET, TOKEN, AES_KEY, "http://127.0.0.1:9", TEMPLATE_ID);
    }

    /** Settings for the sender tests against a stub at {@code apiUrl}. */
    static WechatSettings apiSettings(String apiUrl, String templateId) {
        return new WechatSettings(APP_ID, APP_SECRET, TOKEN, null, apiUrl, templateId);
    }

    /** A fixture file's text, without the final newline. */
    static String text(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).stripTrailing();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
