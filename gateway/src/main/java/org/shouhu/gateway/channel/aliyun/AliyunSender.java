package org.shouhu.gateway.channel.aliyun;

import com.aliyun.dysmsapi20170525.Client;
import com.aliyun.dysmsapi20170525.models.SendSmsRequest;
import com.aliyun.dysmsapi20170525.models.SendSmsResponse;
import com.aliyun.dysmsapi20170525.models.SendSmsResponseBody;
import com.aliyun.tea.TeaException;
import com.aliyun.teautil.models.RuntimeOptions;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.DeliveryStatus;
import org.shouhu.routes.model.RenderedMessage;
import org.shouhu.routes.port.ChannelSender;
import org.shouhu.routes.port.Pacer;
import org.shouhu.routes.port.SendFailedException;
import org.shouhu.routes.port.SendReceipt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends SMS to mainland mobile numbers through Aliyun's SendSms with the official SDK: the message kind's approved
 * {@code TemplateCode}, the values of its template's variables as {@code TemplateParam} JSON, the {@code SignName}, and our message id as
 * {@code OutId} (so a delivery report finds its message); never free text.
 */
public final class AliyunSender implements ChannelSender {

    /** A mainland mobile number in E.164, the only numbers Aliyun's domestic SMS reaches. */
    static final Pattern MAINLAND_MOBILE = Pattern.compile("\\+861[3-9]\\d{9}");
    static final int CONNECT_TIMEOUT_MS = 5_000;
    static final int READ_TIMEOUT_MS = 10_000;

    private static final Logger log = LoggerFactory.getLogger(AliyunSender.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AliyunSettings settings;
    private final Client client;
    private final AliyunFailureClassifier classifier = new AliyunFailureClassifier();

    /** A sender for {@code settings}, its SDK client pointed at {@code ALIYUN_SMS_ENDPOINT}. */
    public AliyunSender(AliyunSettings settings) {
        this.settings = settings;
        com.aliyun.teaopenapi.models.Config config = new com.aliyun.teaopenapi.models.Config()
                .setAccessKeyId(settings.accessKeyId())
                .setAccessKeySecret(settings.accessKeySecret())
                .setEndpoint(settings.host())
                .setProtocol(settings.protocol())
                .setConnectTimeout(CONNECT_TIMEOUT_MS)
                .setReadTimeout(READ_TIMEOUT_MS);
        try {
            this.client = new Client(config);
        } catch (Exception e) { // the SDK declares Exception; with key and endpoint set it does not throw
            throw new IllegalStateException("Aliyun SMS client could not be made: " + e.getClass().getSimpleName(), e);
        }
    }

    /** Whether Aliyun's domestic SMS can reach this address: an SMS address on a mainland mobile number. */
    public static boolean reaches(Address to) {
        return to.isSms() && MAINLAND_MOBILE.matcher(to.value()).matches();
    }

    @Override
    public String channel() {
        return Address.SMS;
    }

    /** Refused: Aliyun sends approved templates only, and text alone names none. */
    @Override
    public SendReceipt send(Address to, String text, String messageId) throws SendFailedException {
        throw SendFailedException.permanent("no-template", "Aliyun sends approved templates, not free text");
    }

    @Override
    public SendReceipt send(RenderedMessage message, Pacer.Slot slot) throws SendFailedException {
        return send(message);
    }

    @Override
    public SendReceipt send(RenderedMessage message) throws SendFailedException {
        Address to = message.to();
        if (!reaches(to)) {
            throw failed(message, SendFailedException.permanent("not-mainland", "Aliyun sends to mainland mobile numbers only"));
        }
        SendSmsRequest request = request(message);
        SendSmsResponse response;
        try {
            response = client.sendSmsWithOptions(request, runtime());
        } catch (TeaException refused) {
            throw failed(message, classifier.refused(refused.getCode(), refused.getMessage(), status(refused)));
        } catch (Exception e) {
            IOException io = ioCause(e);
            throw failed(message, io != null ? classifier.unreachable(io)
                    : SendFailedException.transientFailure("sdk", "the Aliyun SDK failed: " + e.getClass().getSimpleName()));
        }
        SendSmsResponseBody body = response == null ? null : response.getBody();
        if (body == null || !"OK".equalsIgnoreCase(body.getCode())) {
            int status = response == null || response.getStatusCode() == null ? 200 : response.getStatusCode();
            throw failed(message, classifier.refused(body == null ? null : body.getCode(),
                    body == null ? "no answer body" : body.getMessage(), status));
        }
        if (body.getBizId() == null || body.getBizId().isBlank()) { // taken, but we cannot tell which: sending again would send twice
            throw failed(message, SendFailedException.permanent("no-biz-id", "Aliyun answered OK without a BizId"));
        }
        log.info("Aliyun took message {} for {} as {} ({})", message.id(), to.masked(), body.getBizId(),
                message.template().fileName());
        return new SendReceipt(body.getBizId(), DeliveryStatus.QUEUED);
    }

    /** The SendSms request of a message: its kind's TemplateCode and its values, our signature and id. */
    SendSmsRequest request(RenderedMessage message) {
        SendSmsRequest request = new SendSmsRequest()
                .setPhoneNumbers(message.to().value().substring("+86".length()))
                .setSignName(settings.signName())
                .setTemplateCode(settings.templateCode(message.template()))
                .setOutId(message.id());
        Map<String, String> values = TemplateVariables.values(message.template(), message.message().params());
        if (!values.isEmpty()) {
            request.setTemplateParam(templateParam(values));
        }
        return request;
    }

    /** Values as Aliyun's TemplateParam: a JSON object of strings, keys in order. */
    static String templateParam(Map<String, String> values) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(values));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("template values could not be written as JSON", e);
        }
    }

    /** One call per try, no retries of the SDK's own (the outbox retries, with backoff, and counts). */
    private static RuntimeOptions runtime() {
        RuntimeOptions runtime = new RuntimeOptions();
        runtime.autoretry = false;
        runtime.maxAttempts = 0;
        runtime.connectTimeout = CONNECT_TIMEOUT_MS;
        runtime.readTimeout = READ_TIMEOUT_MS;
        return runtime;
    }

    private static int status(TeaException e) {
        if (e.getStatusCode() != null) {
            return e.getStatusCode();
        }
        Object status = e.getData() == null ? null : e.getData().get("statusCode");
        if (status instanceof Number n) {
            return n.intValue();
        }
        return 0;
    }

    private static IOException ioCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    private static SendFailedException failed(RenderedMessage message, SendFailedException failure) {
        log.warn("Aliyun did not take message {} ({}) for {}: {} ({})", message.id(), message.template().fileName(),
                message.to().masked(), failure.code(), failure.isTransient() ? "will retry" : "permanent");
        return failure;
    }
}
