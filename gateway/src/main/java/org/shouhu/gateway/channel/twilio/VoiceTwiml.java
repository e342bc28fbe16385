package org.shouhu.gateway.channel.twilio;

import org.shouhu.templates.TemplateKey;

/**
 * The TwiML of a voice call and of the answers to its key press: the alert said twice, slowly, in
 * Mandarin, then one digit gathered with the menu of the alert's kind read aloud.
 */
public final class VoiceTwiml {

    /** The language every {@code <Say>} speaks. */
    static final String LANGUAGE = "cmn-CN";
    /** The voice that speaks it (one of Twilio's Amazon Polly voices for Mandarin, able to say SSML). */
    static final String VOICE = "Polly.Zhiyu";

    private static final String HEAD = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>";

    private VoiceTwiml() {
    }

    /** The menu read after a no-show alert: the SMS's 回1 and 回2. */
    static final String NO_SHOW_MENU = "在路上，请按1。今天不来，请按2。";
    /** The menu read after an overdue alert: the SMS's 回1 and 回3. */
    static final String OVERDUE_MENU = "马上来接，请按1。请志愿者护送回家，请按3。";
    /** The keys a call's menu offers, as its SMS does: after a no-show 1 and 2, after an overdue alert 1 and 3. */
    static java.util.Set<String> keys(TemplateKey template) {
        return template == TemplateKey.VOICE_OVERDUE ? java.util.Set.of("1", "3") : java.util.Set.of("1", "2");
    }

    /** Said when a key could not be acted on now: the site will be in touch (the ladder climbs as without an answer). */
    static final String NO_DIGIT_LATER = "托管点会再和您联系。再见。";

    /** Said when the guardian pressed nothing. */
    static final String NO_DIGIT = "没有听到按键。托管点会再和您联系。再见。";

    /**
     * The call: {@code text} said twice, slowly, with a pause between, then one digit gathered and
     * posted to {@code gatherUrl}; the menu is said inside the gather, so a key pressed while it is
     * read counts.
     */
    public static String call(String text, TemplateKey template, String gatherUrl) {
        String slow = say("<prosody rate=\"slow\">" + xml(text) + "</prosody>");
        return HEAD + slow + "<Pause length=\"1\"/>" + slow
                + "<Gather input=\"dtmf\" numDigits=\"1\" timeout=\"8\" action=\"" + xml(gatherUrl) + "\" method=\"POST\">"
                + say(xml(template == TemplateKey.VOICE_OVERDUE ? OVERDUE_MENU : NO_SHOW_MENU)) + "</Gather>"
                + say(xml(NO_DIGIT)) + "</Response>";
    }

    /** The answer to a key press: {@code words} said, then the call ends. */
    public static String answer(String words) {
        return HEAD + say(xml(words)) + "<Hangup/></Response>";
    }

    private static String say(String inner) {
        return "<Say language=\"" + LANGUAGE + "\" voice=\"" + VOICE + "\">" + inner + "</Say>";
    }

    /** Text as XML character data or an attribute value. */
    static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&apos;");
    }
}
