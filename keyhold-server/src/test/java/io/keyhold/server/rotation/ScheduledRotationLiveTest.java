package io.keyhold.server.rotation;

import static io.keyhold.server.testing.Payloads.createAes;
import static io.keyhold.server.testing.Payloads.name;
import static io.keyhold.server.testing.Payloads.payload;
import static io.keyhold.server.testing.Payloads.uid;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.LinkType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The running server rotates on its own, every {@code rotation.check_interval}, and not with 0. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScheduledRotationLiveTest {
    @TempDir
    Path dir;

    private static String activeKey(KmipTestClient c, String keyName) throws Exception {
        String id = c.ok(KmipVersion.V2_1, Operation.CREATE, createAes(KmipVersion.V2_1, 256, name(keyName),
                KmipAttribute.of(TtlvItem.bool(Tag.ROTATE_AUTOMATIC, true)),
                KmipAttribute.of(TtlvItem.interval(Tag.ROTATE_INTERVAL, 1)))).child(Tag.UNIQUE_IDENTIFIER)
                .orElseThrow().textValue();
        c.ok(KmipVersion.V2_1, Operation.ACTIVATE, payload(uid(id)));
        return id;
    }

    private static Optional<String> replacement(LiveServer server, String id) throws Exception {
        StoredObject o = server.assembly().store().read(tx -> tx.get(id)).orElseThrow();
        return RotationSchedule.link(o, LinkType.REPLACEMENT_OBJECT_LINK);
    }

    /** The key's replacement once the scheduler has recorded the rotation on it (Rotate Generation set). */
    private static Optional<StoredObject> recorded(LiveServer server, String id) throws Exception {
        Optional<String> next = replacement(server, id);
        if (next.isEmpty()) {
            return Optional.empty();
        }
        return server.assembly().store().read(tx -> tx.get(next.get()))
                .filter(o -> o.attribute("Rotate Generation").isPresent());
    }

    @Test
    void theServerRotatesADueKeyByItself() throws Exception {
        try (LiveServer server = LiveServer.start(dir, false,
                c -> c.withRotation(new ServerConfig.Rotation(Duration.ofSeconds(1))));
             KmipTestClient client = server.client("client1")) {
            String id = activeKey(client, "live-rotated");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Optional<StoredObject> fresh = recorded(server, id);
            while (fresh.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
                fresh = recorded(server, id);
            }
            assertThat(fresh).as("rotated and recorded within 30 s").isPresent();
            assertThat(fresh.get().attribute("Rotate Date")).isPresent();
            assertThat(fresh.get().owner()).isEqualTo("client1");
        }
    }

    @Test
    void zeroTurnsTheSchedulerOff() throws Exception {
        try (LiveServer server = LiveServer.start(dir, false,
                c -> c.withRotation(new ServerConfig.Rotation(Duration.ZERO)));
             KmipTestClient client = server.client("client1")) {
            String id = activeKey(client, "never-rotated");
            RotationScheduler probe = new RotationScheduler(server.assembly().store(), server.assembly().processor(),
                    java.time.Clock.systemUTC());
            Thread.sleep(2_500); // two whole seconds past the due date: a running scheduler would have rotated it
            assertThat(replacement(server, id)).isEmpty();
            assertThat(probe.runOnce().rotated()).as("it was due all along").hasSize(1);
        }
    }
}
