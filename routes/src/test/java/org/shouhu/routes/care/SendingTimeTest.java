package org.shouhu.routes.care;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.port.Pacer;
import org.shouhu.templates.TemplateKey;
import org.shouhu.templates.Templates;

/** How long a broadcast takes, as a staff member reads it: rounding rules, one row each. */
class SendingTimeTest {

    private final Templates sms = Templates.smsZh();

    @ParameterizedTest(name = "{0} SMS at {1}/s: {2}")
    @CsvSource(delimiter = '|', value = {
        "300   | 1        | 已开始发送300条，约5分钟发完。回进度查看",     // the example: 300 s
        "301   | 1        | 已开始发送301条，约6分钟发完。回进度查看",     // a second past 5 minutes is rounded up, never promised early
        "60    | 1        | 已开始发送60条，约1分钟内发完。回进度查看",    // a minute or less
        "61    | 1        | 已开始发送61条，约2分钟发完。回进度查看",
        "150   | 10       | 已开始发送150条，约1分钟内发完。回进度查看",
        "3540  | 1        | 已开始发送3540条，约59分钟发完。回进度查看",
        "3541  | 1        | 已开始发送3541条，约1小时发完。回进度查看",   // from an hour: half hours, rounded up
        "3600  | 1        | 已开始发送3600条，约1小时发完。回进度查看",
        "3601  | 1        | 已开始发送3601条，约1.5小时发完。回进度查看",
        "22000 | 10       | 已开始发送22000条，约37分钟发完。回进度查看",  // the city alert at 10/s
        "30000 | 1        | 已开始发送30000条，约8.5小时发完。回进度查看",
        "30000 | Infinity | 已开始发送30000条，约1分钟内发完。回进度查看", // unpaced
    })
    void theReplySaysHowManyAndAboutHowLong(int count, double rate, String reply) {
        Map<String, String> values = new java.util.HashMap<>(SendingTime.wording(
                SendingTime.of(Map.of(Address.SMS, count), new Rate(Map.of(Address.SMS, rate)))));
        values.put("count", String.valueOf(count));
        assertEquals(reply, sms.render(TemplateKey.NOTICE_SENT, values));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "sms 5 s, telegram 20 s, side by side: the slower decides | 100 | 20 | 20",
        "sms decides                                        | 400 | 10 | 20",
        "telegram slower                                    | 10  | 90 | 90",
    })
    void channelsSendSideBySide(String why, int sms, int telegram, long seconds) {
        Pacer pacer = new Rate(Map.of(Address.SMS, 20.0, "telegram", 1.0));
        assertEquals(Duration.ofSeconds(seconds), SendingTime.of(Map.of(Address.SMS, sms, "telegram", telegram), pacer), why);
    }

    @org.junit.jupiter.api.Test
    void theLongestProgressAndStartRepliesFitOneSegment() {
        Map<String, String> values = new java.util.HashMap<>(Map.of("count", "30000", "out", "29999", "delivered", "29999",
                "failed", "29999", "left", "29999", "from", "08:00", "hours", "12.5"));
        for (TemplateKey key : List.of(TemplateKey.NOTICE_PROGRESS, TemplateKey.NOTICE_SENT)) {
            String text = "【守护托管】" + sms.render(key, values);
            assertEquals(1, org.shouhu.templates.SmsLength.segments(text), key + ": " + text);
        }
    }

    @org.junit.jupiter.api.Test
    void addressesAreCountedByTheirChannel() {
        assertEquals(Map.of(Address.SMS, 2, "telegram", 1), SendingTime.byChannel(List.of(new Address("+8613912345678"),
                new Address("+8613912345679"), new Address("telegram:42"))));
    }

    /** A pacer with a fixed rate per channel. */
    private record Rate(Map<String, Double> perSecond) implements Pacer {
        @Override
        public Slot reserve(String channel) {
            return new Slot(null, Instant.MIN);
        }

        @Override
        public Instant start(String channel, String sender) {
            return null;
        }

        @Override
        public void throttled(String channel, String sender, Duration retryAfter) {
        }

        @Override
        public int batchSize(String channel) {
            return 1;
        }

        @Override
        public double rate(String channel) {
            return perSecond.getOrDefault(channel, Double.POSITIVE_INFINITY);
        }

        @Override
        public boolean paces(String channel) {
            return perSecond.containsKey(channel);
        }
    }
}
