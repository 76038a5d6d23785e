package io.keyhold.protocol.ttlv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.testing.Messages;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TtlvFramerTest {
    private final TtlvEncoder encoder = new TtlvEncoder();
    private final TtlvItem request = Messages.getRequest();
    private final byte[] bytes = encoder.encode(request);

    @Test
    void next_oneByteAtATime_givesMessageOnlyAfterLastByte() throws Exception {
        TtlvFramer framer = new TtlvFramer(new TtlvDecoder());
        for (int i = 0; i < bytes.length - 1; i++) {
            framer.offer(bytes, i, 1);
            assertThat(framer.next()).as("after %d bytes", i + 1).isEmpty();
        }
        framer.offer(bytes, bytes.length - 1, 1);
        assertThat(framer.next()).contains(request);
        assertThat(framer.buffered()).isZero();
        assertThat(framer.next()).isEmpty();
    }

    @Test
    void next_severalMessagesInOneChunk_givesEachInOrderAndKeepsRest() throws Exception {
        TtlvItem second = TtlvItem.structure(0x42007B, TtlvItem.integer(0x42000D, 2));
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        chunk.writeBytes(bytes);
        chunk.writeBytes(encoder.encode(second));
        chunk.writeBytes(bytes);
        chunk.write(bytes, 0, 11);
        TtlvFramer framer = new TtlvFramer(new TtlvDecoder());
        framer.offer(ByteBuffer.wrap(chunk.toByteArray()));
        assertThat(framer.next()).contains(request);
        assertThat(framer.next()).contains(second);
        assertThat(framer.next()).contains(request);
        assertThat(framer.next()).isEmpty();
        assertThat(framer.buffered()).isEqualTo(11);
        framer.offer(bytes, 11, bytes.length - 11);
        assertThat(framer.next()).contains(request);
    }

    @Test
    void next_headerAnnouncingOversizeMessage_isRejectedBeforeBody() {
        TtlvFramer framer = new TtlvFramer(new TtlvDecoder(1024, 8));
        framer.offer(HexFormat.of().parseHex("4200780100100000"), 0, 8);   // announces 1 MiB
        assertThatThrownBy(framer::next).isInstanceOf(CodecException.class)
                .hasMessage("message length: 1048584 (expected: <= 1024)");
    }

    @Test
    void next_firstItemNotStructure_isRejected() {
        TtlvFramer framer = new TtlvFramer(new TtlvDecoder());
        framer.offer(HexFormat.of().parseHex("4200200200000004"), 0, 8);
        assertThatThrownBy(framer::next).isInstanceOf(CodecException.class)
                .hasMessage("message item 0x420020 at offset 0: item type 0x02 (expected: Structure)");
    }

    @Test
    void next_malformedMessageBody_isRejectedByDecoder() {
        byte[] bad = bytes.clone();
        bad[bad.length - 1] = 1;    // padding of the Unique Identifier
        TtlvFramer framer = new TtlvFramer(new TtlvDecoder());
        framer.offer(bad, 0, bad.length);
        assertThatThrownBy(framer::next).isInstanceOf(CodecException.class).hasMessageContaining("padding byte");
    }

    @Test
    void next_lessThanHeader_isEmpty() throws Exception {
        TtlvFramer framer = new TtlvFramer(new TtlvDecoder());
        framer.offer(bytes, 0, 7);
        assertThat(framer.next()).isEqualTo(Optional.empty());
        assertThat(framer.buffered()).isEqualTo(7);
    }
}
