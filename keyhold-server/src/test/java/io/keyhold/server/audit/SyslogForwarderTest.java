package io.keyhold.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.server.config.ServerConfig;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Committed records reach syslog receivers on 127.0.0.1 as parseable RFC 5424 messages. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SyslogForwarderTest {
    private static final Pattern HEADER = Pattern.compile(
            "<(\\d{1,3})>1 (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) \\[(\\S+)((?: [a-z]+=\"(?:[^\"\\\\\\]]|\\\\.)*\")*)\\] (.*)",
            Pattern.DOTALL);
    private static final Pattern PARAM = Pattern.compile(" ([a-z]+)=\"((?:[^\"\\\\\\]]|\\\\.)*)\"");

    /** One parsed message: PRI, header fields, SD-ID, parameters (repeated names in order) and MSG. */
    record Parsed(int pri, String timestamp, String appName, String msgId, String sdId, List<Map.Entry<String, String>> params,
                  String msg) {
        String param(String name) {
            return params.stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).findFirst().orElse(null);
        }

        List<String> all(String name) {
            return params.stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).toList();
        }
    }

    static Parsed parse(String message) {
        Matcher m = HEADER.matcher(message);
        assertThat(m.matches()).as(message).isTrue();
        List<Map.Entry<String, String>> params = new ArrayList<>();
        Matcher p = PARAM.matcher(m.group(8));
        while (p.find()) {
            params.add(Map.entry(p.group(1), p.group(2).replaceAll("\\\\(.)", "$1")));
        }
        return new Parsed(Integer.parseInt(m.group(1)), m.group(2), m.group(4), m.group(6), m.group(7), params, m.group(9));
    }

    private static List<AuditRecord> records() {
        AuditChain.Head head = AuditChain.GENESIS;
        List<AuditRecord> out = new ArrayList<>();
        AuditEvent ok = new AuditEvent(Instant.parse("2026-04-01T10:00:00.250Z"), "client1", "127.0.0.1:5000", "1.4",
                "Create", List.of("uid-1"), 1, "Success", null, null);
        AuditEvent failed = new AuditEvent(Instant.parse("2026-04-01T10:00:01Z"), "cn=\"odd]\\name\"", "127.0.0.1:5001",
                "2.1", "Get", List.of("uid-2", "uid-3"), 7, "Operation Failed", "Item Not Found", "access \"denied\"]");
        for (AuditEvent e : List.of(ok, failed)) {
            AuditRecord r = head.next(e);
            out.add(r);
            head = AuditChain.Head.of(r);
        }
        return out;
    }

    private static ServerConfig.Syslog settings(int port, ServerConfig.SyslogProtocol protocol, int queue) {
        return new ServerConfig.Syslog("127.0.0.1", port, protocol, 10, "keyhold-test", queue);
    }

    private static void assertForwarded(List<String> messages, List<AuditRecord> sent) {
        assertThat(messages).hasSize(2);
        Parsed first = parse(messages.get(0));
        assertThat(first.pri()).isEqualTo(10 * 8 + 6);
        assertThat(first.timestamp()).isEqualTo("2026-04-01T10:00:00.250Z");
        assertThat(first.appName()).isEqualTo("keyhold-test");
        assertThat(first.msgId()).isEqualTo("audit");
        assertThat(first.sdId()).isEqualTo("audit@32473");
        assertThat(first.param("seq")).isEqualTo("1");
        assertThat(first.param("identity")).isEqualTo("client1");
        assertThat(first.param("source")).isEqualTo("127.0.0.1:5000");
        assertThat(first.param("version")).isEqualTo("1.4");
        assertThat(first.param("operation")).isEqualTo("Create");
        assertThat(first.all("uid")).containsExactly("uid-1");
        assertThat(first.param("status")).isEqualTo("Success");
        assertThat(first.param("reason")).isNull();
        assertThat(first.param("detail")).isNull();
        assertThat(first.param("hash")).isEqualTo(sent.get(0).hashHex());
        assertThat(first.param("prev")).isEqualTo(sent.get(0).previousHashHex());

        Parsed second = parse(messages.get(1));
        assertThat(second.pri()).isEqualTo(10 * 8 + 4);
        assertThat(second.param("identity")).isEqualTo("cn=\"odd]\\name\"");
        assertThat(second.all("uid")).containsExactly("uid-2", "uid-3");
        assertThat(second.param("objects")).isEqualTo("7");
        assertThat(second.param("reason")).isEqualTo("Item Not Found");
        assertThat(second.param("detail")).isEqualTo("access \"denied\"]");
        assertThat(second.msg()).endsWith("Operation Failed (Item Not Found), access \"denied\"]");
        assertThat(second.param("prev")).isEqualTo(first.param("hash"));
    }

    @Test
    void udp_oneDatagramPerRecord() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            receiver.setSoTimeout(30_000);
            List<AuditRecord> sent = records();
            try (SyslogForwarder f = new SyslogForwarder(settings(receiver.getLocalPort(), ServerConfig.SyslogProtocol.UDP,
                    100), "testhost", Duration.ofMinutes(1))) {
                f.committed(sent);
                List<String> messages = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    DatagramPacket p = new DatagramPacket(new byte[8192], 8192);
                    receiver.receive(p);
                    messages.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
                }
                assertForwarded(messages, sent);
            }
        }
    }

    @Test
    void tcp_octetCountedFrames() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(30_000);
            List<AuditRecord> sent = records();
            try (SyslogForwarder f = new SyslogForwarder(settings(listener.getLocalPort(), ServerConfig.SyslogProtocol.TCP,
                    100), "testhost", Duration.ofMinutes(1))) {
                f.committed(sent);
                try (Socket s = listener.accept()) {
                    s.setSoTimeout(30_000);
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    List<String> messages = new ArrayList<>();
                    for (int i = 0; i < 2; i++) {
                        messages.add(readFrame(in));
                    }
                    assertForwarded(messages, sent);
                }
            }
        }
    }

    @Test
    void unreachableReceiver_neverBlocks_countsWhatCouldNotBeSent() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        SyslogForwarder f = new SyslogForwarder(settings(closedPort, ServerConfig.SyslogProtocol.TCP, 4), "testhost",
                Duration.ofMinutes(1));
        List<AuditRecord> many = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            many.addAll(records());
        }
        f.committed(many); // returns although nothing can be sent
        f.close();
        assertThat(f.forwarded()).isZero();
        assertThat(f.notForwarded()).isEqualTo(100);
    }

    @Test
    void assembly_forwardsTheRecordsOfRequestsAfterCommit() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            receiver.setSoTimeout(30_000);
            io.keyhold.server.store.memory.InMemoryObjectStore store = new io.keyhold.server.store.memory.InMemoryObjectStore();
            ServerConfig.Audit audit = new ServerConfig.Audit(false, 100,
                    settings(receiver.getLocalPort(), ServerConfig.SyslogProtocol.UDP, 100));
            try (io.keyhold.server.ServerAssembly.Assembly a = io.keyhold.server.ServerAssembly.open(store,
                    java.time.Clock.systemUTC(), io.keyhold.server.crypto.CryptoPolicy.DEFAULT, 0,
                    ServerConfig.Access.defaults(), audit)) {
                io.keyhold.protocol.spec.KmipVersion v = io.keyhold.protocol.spec.KmipVersion.V1_4;
                byte[] request = io.keyhold.server.dispatch.DispatcherFixture.encode(
                        io.keyhold.server.dispatch.DispatcherFixture.header(v, 1),
                        List.of(io.keyhold.protocol.message.RequestBatchItem.of(io.keyhold.protocol.spec.Operation.CREATE,
                                io.keyhold.server.testing.Payloads.createAes(v, 128))));
                a.processor().process(request, io.keyhold.server.dispatch.DispatcherFixture.context("client7"));
                DatagramPacket p = new DatagramPacket(new byte[8192], 8192);
                receiver.receive(p);
                Parsed m = parse(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
                AuditRecord stored = store.auditRecords().get(0);
                assertThat(m.param("operation")).isEqualTo("Create");
                assertThat(m.param("identity")).isEqualTo("client7");
                assertThat(m.all("uid")).isEqualTo(stored.event().uniqueIdentifiers());
                assertThat(m.param("hash")).isEqualTo(stored.hashHex());
            }
        }
    }

    private static String readFrame(DataInputStream in) throws IOException {
        StringBuilder length = new StringBuilder();
        int c;
        while ((c = in.read()) != ' ') {
            assertThat(c).as("octet count digit").isBetween((int) '0', (int) '9');
            length.append((char) c);
        }
        byte[] body = new byte[Integer.parseInt(length.toString())];
        in.readFully(body);
        return new String(body, StandardCharsets.UTF_8);
    }

    @Test
    void parse_readsMessagesItDidNotWrite() {
        Map<String, String> expected = new LinkedHashMap<>();
        Parsed p = parse("<14>1 2026-01-01T00:00:00Z h app 1 m [x@1 a=\"b\\\"c\"] text");
        expected.put("a", "b\"c");
        assertThat(p.param("a")).isEqualTo(expected.get("a"));
        assertThat(p.msg()).isEqualTo("text");
    }
}
