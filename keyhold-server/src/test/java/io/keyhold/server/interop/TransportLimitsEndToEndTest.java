package io.keyhold.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestHeader;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The limits the dispatcher and the transport enforce together, over real mutual TLS with the whole
 * server: the batch item limit and the per-identity request rate, each answered with a KMIP response in
 * the request's version on a connection that stays open.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TransportLimitsEndToEndTest {
    private LiveServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(UnaryOperator<io.keyhold.server.config.ServerConfig.Limits> limits) throws Exception {
        server = LiveServer.start(Files.createTempDirectory("keyhold-limits"), false, c -> new io.keyhold.server.config
                .ServerConfig(c.kmip(), c.tls(), c.storage(), limits.apply(c.limits()), c.logging(), c.crypto(),
                c.masterKey(), c.access(), c.audit()));
    }

    private static RequestMessage discoverVersions(KmipVersion version, int items) {
        List<RequestBatchItem> batch = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            batch.add(new RequestBatchItem(Operation.DISCOVER_VERSIONS.value(), null,
                    ("item-" + i).getBytes(StandardCharsets.US_ASCII), TtlvItem.structure(Tag.REQUEST_PAYLOAD), null));
        }
        return new RequestMessage(RequestHeader.of(version, items), batch);
    }

    @Test
    void batchOverTheLimit_isInvalidMessage_andNothingRuns_theConnectionStaysOpen() throws Exception {
        start(l -> l.withMaxBatchItems(3));
        try (KmipTestClient c = server.client("client1")) {
            ResponseMessage within = c.send(discoverVersions(KmipVersion.V1_4, 3));
            assertThat(within.batchItems()).hasSize(3)
                    .allMatch(i -> i.resultStatus() == ResultStatus.SUCCESS.value());

            ResponseMessage over = c.send(discoverVersions(KmipVersion.V1_4, 4));
            assertThat(over.header().protocolVersion()).isEqualTo(KmipVersion.V1_4);
            assertThat(over.batchItems()).hasSize(1);
            ResponseBatchItem item = over.batchItems().get(0);
            assertThat(item.resultStatus()).isEqualTo(ResultStatus.OPERATION_FAILED.value());
            assertThat(item.resultReason()).isEqualTo(ResultReason.INVALID_MESSAGE.value());
            assertThat(item.resultMessage()).isEqualTo("batch of 4 items exceeds the limit of 3 items");

            assertThat(c.send(discoverVersions(KmipVersion.V2_0, 1)).batchItems().get(0).resultStatus())
                    .isEqualTo(ResultStatus.SUCCESS.value());
        }
    }

    /** Sends one-item requests until one is refused (at most 50); returns it, or null. */
    private static ResponseMessage untilRefused(KmipTestClient c, KmipVersion version) throws Exception {
        for (int i = 0; i < 50; i++) {
            ResponseMessage r = c.send(discoverVersions(version, 2));
            if (r.batchItems().get(0).resultStatus() != ResultStatus.SUCCESS.value()) {
                return r;
            }
        }
        return null;
    }

    @Test
    void requestsOverTheIdentitysRate_areAnsweredServerLimitExceeded_inTheRequestsVersion() throws Exception {
        start(l -> l.withRequestsPerSecondPerIdentity(1));
        try (KmipTestClient c = server.client("client1")) {
            ResponseMessage refused = untilRefused(c, KmipVersion.V2_0);
            assertThat(refused).as("a refusal within 50 requests at 1 per second").isNotNull();
            assertThat(refused.header().protocolVersion()).isEqualTo(KmipVersion.V2_0);
            assertThat(refused.batchItems()).hasSize(2);
            for (int i = 0; i < 2; i++) {
                ResponseBatchItem item = refused.batchItems().get(i);
                assertThat(item.operationValue()).isEqualTo(Operation.DISCOVER_VERSIONS.value());
                assertThat(item.uniqueBatchItemId()).isEqualTo(("item-" + i).getBytes(StandardCharsets.US_ASCII));
                assertThat(item.resultStatus()).isEqualTo(ResultStatus.OPERATION_FAILED.value());
                assertThat(item.resultReason()).isEqualTo(ResultReason.SERVER_LIMIT_EXCEEDED.value());
                assertThat(item.resultMessage()).isEqualTo("more than 1 requests per second from this client"
                        + " (limits.requests_per_second_per_identity); try again later");
            }

            ResponseMessage refused14 = untilRefused(c, KmipVersion.V1_4);
            assertThat(refused14).isNotNull();
            assertThat(refused14.header().protocolVersion()).isEqualTo(KmipVersion.V1_4);
            assertThat(refused14.batchItems().get(0).resultReason()).as("1.x has no Server Limit Exceeded")
                    .isEqualTo(ResultReason.GENERAL_FAILURE.value());

            // another identity has a bucket of its own
            try (KmipTestClient other = server.client("client2")) {
                assertThat(other.send(discoverVersions(KmipVersion.V2_0, 1)).batchItems().get(0).resultStatus())
                        .isEqualTo(ResultStatus.SUCCESS.value());
            }
        }
    }

    @Test
    void connectionsOfOneIdentity_shareItsRate() throws Exception {
        start(l -> l.withRequestsPerSecondPerIdentity(1));
        try (KmipTestClient a = server.client("client1"); KmipTestClient b = server.client("client1")) {
            boolean bRefused = false;
            // one token a second: once a has used it, b's request right after is refused (retried in case a
            // token came back in between)
            for (int attempt = 0; attempt < 5 && !bRefused; attempt++) {
                assertThat(untilRefused(a, KmipVersion.V2_0)).isNotNull();
                bRefused = b.send(discoverVersions(KmipVersion.V2_0, 1)).batchItems().get(0).resultReason() != null;
            }
            assertThat(bRefused).as("the second connection shares the first one's bucket").isTrue();
        }
    }
}
