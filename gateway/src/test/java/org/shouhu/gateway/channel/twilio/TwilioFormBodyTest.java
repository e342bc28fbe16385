package org.shouhu.gateway.channel.twilio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How the webhook form parser reads what Twilio (or anyone) posts. */
class TwilioFormBodyTest {

    @ParameterizedTest(name = "{0} -> {1}={2}")
    @CsvSource(delimiter = '|', value = {
            "Body=%E5%88%B0+3+5+7              | Body | 到 3 5 7",
            "Body=%e5%88%b0                    | Body | 到",
            "From=%2B8613912345678             | From | +8613912345678",
            "Body=a%2Bb                        | Body | a+b",
            "Body=first&Body=second            | Body | first",
            "&&Body=x&&                        | Body | x",
            "Body=                             | Body | ''",
            "Body                              | Body | ''",
            "Body=a=b                          | Body | a=b",
            "Body=%F0%9F%98%80                 | Body | 😀",
            "Body=%E5%88%B0%E4%BA%86           | Body | 到了",
            "Body=%E5%88%B0+%E4%BA%86          | Body | 到 了",
    })
    void readsFields(String body, String name, String value) throws Exception {
        assertEquals(value, FormBody.parse(body).get(name));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Body=%E5%8                        | truncated %-escape",
            "Body=%                            | truncated %-escape",
            "Body=100%                         | truncated %-escape",
            "Body=%G1                          | bad %-escape",
            "Body=%٣٣                          | bad %-escape",
            "Body=%B0%E5                       | not UTF-8",
            "Body=%E5%88                       | not UTF-8",
            "Body=%C0%AF                       | not UTF-8",
    })
    void refusesMalformedEncoding(String body, String reason) {
        MalformedFormException e = assertThrows(MalformedFormException.class, () -> FormBody.parse(body));
        assertEquals(reason, e.getMessage());
    }

    @Test
    void keepsFieldsInBodyOrder() throws Exception {
        assertEquals(Map.of("To", "+15005550006", "From", "+8613912345678"),
                FormBody.parse("To=%2B15005550006&From=%2B8613912345678").asMap());
        assertEquals("[To, From]", FormBody.parse("To=1&From=2").asMap().keySet().toString());
    }
}
