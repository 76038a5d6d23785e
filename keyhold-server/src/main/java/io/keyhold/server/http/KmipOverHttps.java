package io.keyhold.server.http;

import io.keyhold.protocol.json.KmipJson;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvEncoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.protocol.xml.KmipXml;
import io.keyhold.server.dispatch.RequestProcessor;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * KMIP over HTTPS ({@code POST /kmip}, KMIP Additional Message Encodings 1.0): the body is one request
 * message in the encoding its Content-Type names, TTLV ({@code application/octet-stream}), JSON
 * ({@code application/json}) or XML ({@code text/xml} or {@code application/xml}), and the answer is the
 * response message in the same encoding. The message goes to the same dispatcher as on the KMIP port, as
 * the authenticated caller. A body that is not a message in its encoding is answered, in that encoding, with
 * a KMIP response reporting Invalid Message, as the socket would.
 */
public final class KmipOverHttps implements Route {
    /** The encodings, by the media type that selects them. */
    enum Encoding {
        TTLV("application/octet-stream"), JSON("application/json"), XML("text/xml");

        final String mediaType;

        Encoding(String mediaType) {
            this.mediaType = mediaType;
        }

        static Encoding of(String contentType) {
            if (contentType == null) {
                return null;
            }
            String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
            return switch (type) {
                case "application/octet-stream" -> TTLV;
                case "application/json" -> JSON;
                case "text/xml", "application/xml" -> XML;
                default -> null;
            };
        }
    }

    private final RequestProcessor processor;
    private final TtlvEncoder encoder = new TtlvEncoder();
    private final TtlvDecoder decoder = new TtlvDecoder();
    private final KmipJson json = new KmipJson();
    private final KmipXml xml = new KmipXml();

    public KmipOverHttps(RequestProcessor processor) {
        this.processor = processor;
    }

    @Override
    public HttpAnswer handle(HttpCall call) throws CodecException {
        String contentType = call.header("content-type").orElse(null);
        Encoding encoding = Encoding.of(contentType);
        if (encoding == null) {
            return HttpAnswer.problem(415, "unsupported-media-type", "Unsupported media type",
                    "send a KMIP message as application/octet-stream (TTLV), application/json or text/xml (was "
                            + (contentType == null ? "no Content-Type" : contentType) + ")");
        }
        byte[] answer = switch (encoding) {
            case TTLV -> processor.process(call.body(), call.kmipContext());
            case JSON, XML -> {
                byte[] request;
                try {
                    String text = call.bodyText();
                    TtlvItem item = encoding == Encoding.JSON ? json.read(text) : xml.read(text);
                    request = encoder.encode(item);
                } catch (CodecException | RuntimeException e) {
                    yield processor.failure(ResultReason.INVALID_MESSAGE, "the body is not a KMIP request message in "
                            + encoding + ": " + e.getMessage());
                }
                yield processor.process(request, call.kmipContext());
            }
        };
        if (encoding == Encoding.TTLV) {
            return HttpAnswer.bytes(200, encoding.mediaType, answer);
        }
        TtlvItem response = decoder.decode(answer);
        String text = encoding == Encoding.JSON ? json.write(response) : xml.write(response);
        return HttpAnswer.bytes(200, encoding.mediaType, text.getBytes(StandardCharsets.UTF_8));
    }
}
