package org.shouhu.gateway.channel.wechat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The fields of a WeChat callback body: {@code <xml>} with one element per field, values as CDATA or text.
 *
 * <p>The JDK's parser is locked down before it sees a byte: a document with a DOCTYPE is refused outright, so no
 * entity (external or a "billion laughs") is ever declared, let alone resolved; external DTDs, schemas, XInclude and
 * entity expansion are off as well, in case one switch is not honoured.
 */
final class WechatXml {

    private static final DocumentBuilderFactory FACTORY = lockedDownFactory();

    private final Map<String, String> fields;

    private WechatXml(Map<String, String> fields) {
        this.fields = Collections.unmodifiableMap(fields);
    }

    /** A body that is not a WeChat callback document. */
    static final class MalformedException extends Exception {
        MalformedException(String reason) {
            super(reason);
        }
    }

    /** Reads a body as WeChat posts it (UTF-8 unless its declaration says otherwise). */
    static WechatXml parse(byte[] body) throws MalformedException {
        return read(new InputSource(new ByteArrayInputStream(body)));
    }

    /** Reads a decrypted safe-mode message. */
    static WechatXml parse(String text) throws MalformedException {
        return read(new InputSource(new StringReader(text)));
    }

    /** A field's value as sent (CDATA unwrapped, whitespace kept), or null when absent. */
    String raw(String name) {
        return fields.get(name);
    }

    /** A field's value without surrounding whitespace, or null when absent or blank. */
    String get(String name) {
        String value = fields.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static WechatXml read(InputSource source) throws MalformedException {
        Document document;
        try {
            DocumentBuilder builder;
            synchronized (FACTORY) {
                builder = FACTORY.newDocumentBuilder();
            }
            builder.setErrorHandler(SILENT);
            builder.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entities are not resolved");
            });
            document = builder.parse(source);
        } catch (SAXException e) {
            throw new MalformedException(isDoctype(e) ? "a DOCTYPE is not accepted" : "not well-formed");
        } catch (IOException e) {
            throw new MalformedException("not readable");
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser cannot be locked down", e);
        }
        Element root = document.getDocumentElement();
        if (!"xml".equals(root.getTagName())) {
            throw new MalformedException("the root element is not <xml>");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (Node child = root.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child.getNodeType() == Node.ELEMENT_NODE) {
                String name = child.getNodeName();
                if (fields.putIfAbsent(name, child.getTextContent()) != null) {
                    throw new MalformedException("<" + name + "> appears twice");
                }
            }
        }
        return new WechatXml(fields);
    }

    private static boolean isDoctype(SAXException e) {
        String message = e.getMessage();
        return message != null && message.contains("DOCTYPE");
    }

    private static DocumentBuilderFactory lockedDownFactory() {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
        try {
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser cannot be locked down", e);
        }
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        factory.setNamespaceAware(false);
        factory.setValidating(false);
        return factory;
    }

    /** Parse errors become exceptions; the JDK's default handler would also print them to stderr. */
    private static final ErrorHandler SILENT = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };
}
