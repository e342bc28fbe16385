package org.shouhu.gateway.channel.twilio;

import java.util.Locale;
import org.shouhu.gateway.http.HttpCall;
import org.shouhu.gateway.http.HttpReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks both Twilio webhooks start with, in this order: POST (else 405); a signature header (else 403); a form
 * body that parses (else 400), since the signature covers its fields; the signature itself (else 403); and only then
 * the content type (else 415), so an unsigned caller learns nothing about what we accept. A body that is not a form
 * is checked as Twilio signs one, over the URL alone.
 */
final class TwilioWebhookGate {

    static final String FORM = "application/x-www-form-urlencoded";

    private static final Logger log = LoggerFactory.getLogger(TwilioWebhookGate.class);

    private final TwilioSignatureCheck signatures;

    TwilioWebhookGate(TwilioSignatureCheck signatures) {
        this.signatures = signatures;
    }

    /** Either the call's verified form fields or the answer that refuses it. */
    record Admission(FormBody form, HttpReply refusal) {
        static Admission admitted(FormBody form) {
            return new Admission(form, null);
        }

        static Admission refused(int status, String reason) {
            return new Admission(null, HttpReply.text(status, reason));
        }

        boolean isRefused() {
            return refusal != null;
        }
    }

    Admission admit(HttpCall call) {
        if (!"POST".equals(call.method())) {
            return Admission.refused(405, "method not allowed: use POST");
        }
        if (!signatures.isSigned(call)) {
            return forged(call, "no signature");
        }
        boolean isForm = isForm(call.header("content-type"));
        FormBody form;
        try {
            form = FormBody.parse(isForm ? call.bodyText() : "");
        } catch (MalformedFormException e) {
            log.info("Refused Twilio webhook {}: malformed form body ({})", call.path(), e.getMessage());
            return Admission.refused(400, "malformed form body: " + e.getMessage());
        }
        if (!signatures.isValid(call, form.asMap())) {
            return forged(call, "signature does not match");
        }
        if (!isForm) {
            return Admission.refused(415, "expected " + FORM + " (UTF-8)");
        }
        return Admission.admitted(form);
    }

    private static Admission forged(HttpCall call, String why) {
        log.warn("Refused Twilio webhook {}: {}", call.path(), why);
        return Admission.refused(403, "bad signature");
    }

    /** A form content type, in UTF-8 when a charset is named at all. */
    static boolean isForm(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.toLowerCase(Locale.ROOT).split(";");
        if (!FORM.equals(parts[0].strip())) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String param = parts[i].strip();
            if (param.startsWith("charset=") && !param.substring("charset=".length()).replace("\"", "").equals("utf-8")) {
                return false;
            }
        }
        return true;
    }
}
