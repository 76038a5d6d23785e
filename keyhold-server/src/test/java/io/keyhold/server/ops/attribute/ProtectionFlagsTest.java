package io.keyhold.server.ops.attribute;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtectionFlagsTest {
    private static KmipAttribute flag(int tag, boolean value) {
        return KmipAttribute.of(TtlvItem.bool(tag, value));
    }

    private static StoredObject object(List<KmipAttribute> attributes) {
        return new StoredObject("k1", "client1", StorageStatus.ONLINE, attributes, null);
    }

    private static boolean value(StoredObject o, String name) {
        return o.attribute(name).orElseThrow().value().booleanValue();
    }

    @Test
    void changed_sensitiveTurnedFalse_clearsAlwaysSensitive() {
        StoredObject before = object(List.of(flag(Tag.SENSITIVE, true), flag(Tag.ALWAYS_SENSITIVE, true),
                flag(Tag.EXTRACTABLE, false), flag(Tag.NEVER_EXTRACTABLE, true)));
        StoredObject after = Attributes.changed(before, List.of(flag(Tag.SENSITIVE, false), flag(Tag.ALWAYS_SENSITIVE, true),
                flag(Tag.EXTRACTABLE, false), flag(Tag.NEVER_EXTRACTABLE, true)), 10);
        assertThat(value(after, "Always Sensitive")).isFalse();
        assertThat(value(after, "Never Extractable")).isTrue();
    }

    @Test
    void changed_extractableTurnedTrue_clearsNeverExtractable() {
        StoredObject before = object(List.of(flag(Tag.SENSITIVE, true), flag(Tag.ALWAYS_SENSITIVE, true),
                flag(Tag.EXTRACTABLE, false), flag(Tag.NEVER_EXTRACTABLE, true)));
        StoredObject after = Attributes.changed(before, List.of(flag(Tag.SENSITIVE, true), flag(Tag.ALWAYS_SENSITIVE, true),
                flag(Tag.EXTRACTABLE, true), flag(Tag.NEVER_EXTRACTABLE, true)), 10);
        assertThat(value(after, "Always Sensitive")).isTrue();
        assertThat(value(after, "Never Extractable")).isFalse();
        assertThat(after.attribute("Last Change Date").orElseThrow().value().dateTimeValue()).isEqualTo(10);
    }

    @Test
    void changed_unrelatedChange_keepsBothFlags() {
        List<KmipAttribute> attributes = List.of(flag(Tag.SENSITIVE, true), flag(Tag.ALWAYS_SENSITIVE, true),
                flag(Tag.EXTRACTABLE, false), flag(Tag.NEVER_EXTRACTABLE, true));
        StoredObject after = Attributes.changed(object(attributes), attributes, 10);
        assertThat(value(after, "Always Sensitive")).isTrue();
        assertThat(value(after, "Never Extractable")).isTrue();
    }
}
