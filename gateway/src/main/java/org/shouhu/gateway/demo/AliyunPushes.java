package org.shouhu.gateway.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plays Aliyun's side of its pushes in the demo: a reply a mainland phone sends (上行) is posted to
 * {@code /aliyun/sms-up/{token}} and a delivery report (状态报告) to {@code /aliyun/sms-report/{token}}, each as Aliyun
 * pushes them — a JSON array of items, unsigned, the number without +86.
 */
public final class AliyunPushes {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String gatewayUrl;
    private final String token;
    private final AtomicLong sequence = new AtomicLong(1_234_567_000L);

    public AliyunPushes(String gatewayUrl, String token) {
        this.gatewayUrl = gatewayUrl;
        this.token = token;
    }

    /** A reply from {@code phone} ({@code +86…}) sent at {@code sendTime}; returns the HTTP status the gateway answered. */
    public int smsUp(String phone, String content, String sendTime) throws IOException, InterruptedException {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("phone_number", national(phone));
        item.put("content", content);
        item.put("send_time", sendTime);
        item.put("dest_code", "1234");
        item.put("sequence_id", sequence.incrementAndGet());
        return post("/aliyun/sms-up/", item);
    }

    /** Aliyun reports the message it took as {@code bizId} (ours: {@code outId}) delivered to {@code phone}. */
    public int delivered(String phone, String bizId, String outId, String sendTime, String reportTime)
            throws IOException, InterruptedException {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("phone_number", national(phone));
        item.put("send_time", sendTime);
        item.put("report_time", reportTime);
        item.put("success", true);
        item.put("err_code", "DELIVERED");
        item.put("err_msg", "用户接收成功");
        item.put("sms_size", "1");
        item.put("biz_id", bizId);
        item.put("out_id", outId);
        return post("/aliyun/sms-report/", item);
    }

    private int post(String path, Map<String, Object> item) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(gatewayUrl + path + token))
                .header("Content-Type", "application/json;charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(List.of(item)))).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String national(String phone) {
        return phone.startsWith("+86") ? phone.substring(3) : phone;
    }
}
