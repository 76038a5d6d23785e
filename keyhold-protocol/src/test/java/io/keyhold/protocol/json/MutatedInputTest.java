package io.keyhold.protocol.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.keyhold.protocol.testing.SharedDir;
import io.keyhold.protocol.testing.TestPlaceholders;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.protocol.xml.KmipXml;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Damaged documents (a character replaced, inserted or removed, or the text cut short) either read or
 * fail with a CodecException, never with another exception. Seeded, so a failure repeats.
 */
class MutatedInputTest {
    private static final int MUTATIONS = 1000;
    private static final String ALPHABET = "<>/\"'=&;:,[]{}0x9aZ$ \n\\-|.eE+";

    private final KmipXml xml = new KmipXml();
    private final KmipJson json = new KmipJson();
    private final TestPlaceholders placeholders = new TestPlaceholders();

    @Test
    void read_mutatedXmlAndJson_failOnlyWithCodecException() throws Exception {
        String vector = Files.readString(SharedDir.vectors().resolve("cosmian-kmip/v2.1/XML/mandatory/TL-M-3-21.xml"), StandardCharsets.UTF_8);
        List<TtlvItem> messages = xml.readAll(vector, placeholders);
        String xmlText = xml.write(messages.get(0));
        String jsonText = json.write(messages.get(0));
        Random random = new Random(20240102);
        int rejected = 0;
        for (int i = 0; i < MUTATIONS; i++) {
            rejected += readsOrRejects(mutate(xmlText, random), true) ? 0 : 1;
            rejected += readsOrRejects(mutate(jsonText, random), false) ? 0 : 1;
        }
        assertThat(rejected).as("mutations rejected").isGreaterThan(MUTATIONS / 2);
    }

    private boolean readsOrRejects(String text, boolean isXml) {
        try {
            if (isXml) {
                xml.readAll(text, placeholders);
            } else {
                json.readAll(text, placeholders);
            }
            return true;
        } catch (CodecException e) {
            assertThat(e.getMessage()).isNotBlank();
            return false;
        } catch (RuntimeException | StackOverflowError e) {
            fail((isXml ? "XML" : "JSON") + " input threw " + e + " for:\n" + text, e);
            return false;
        }
    }

    private static String mutate(String s, Random random) {
        int at = random.nextInt(s.length());
        char c = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        return switch (random.nextInt(4)) {
            case 0 -> s.substring(0, at) + c + s.substring(at + 1);
            case 1 -> s.substring(0, at) + c + s.substring(at);
            case 2 -> s.substring(0, at) + s.substring(at + 1);
            default -> s.substring(0, at);
        };
    }
}
