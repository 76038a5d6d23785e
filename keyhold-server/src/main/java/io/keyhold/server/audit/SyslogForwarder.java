package io.keyhold.server.audit;

import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.dispatch.Failures;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends committed audit records to a syslog receiver, as RFC 5424 messages over UDP or over TCP with
 * octet counting (RFC 6587). The database is the authoritative audit log; this is a copy kept elsewhere.
 *
 * <p>Records are offered after their commit and wait in a bounded queue for a background thread, so a
 * slow or absent receiver never delays a request: when the queue is full, the record is counted as not
 * forwarded. Send failures are retried (the connection is reopened after a pause) while the queue has
 * room. The number not forwarded is logged at most once per report interval.
 */
public final class SyslogForwarder implements AuditListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyslogForwarder.class);
    private static final long RETRY_PAUSE_MILLIS = 1000;
    private static final int CONNECT_TIMEOUT_MILLIS = 5000;
    private static final long CLOSE_GRACE_MILLIS = 2000;

    private final ServerConfig.Syslog settings;
    private final String hostname;
    private final long processId = ProcessHandle.current().pid();
    private final Duration reportInterval;
    private final ArrayBlockingQueue<AuditRecord> queue;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong notForwarded = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean draining;
    private long reportedNotForwarded;
    private long nextReportNanos;
    private DatagramSocket udp;
    private Socket tcp;
    private OutputStream tcpOut;

    /**
     * Starts the sender thread.
     *
     * @param hostname       HOSTNAME of every message
     * @param reportInterval how often, at most, records not forwarded are logged
     */
    public SyslogForwarder(ServerConfig.Syslog settings, String hostname, Duration reportInterval) {
        this.settings = settings;
        this.hostname = hostname;
        this.reportInterval = reportInterval;
        this.queue = new ArrayBlockingQueue<>(settings.queueSize());
        this.nextReportNanos = System.nanoTime() + reportInterval.toNanos();
        this.thread = new Thread(this::run, "keyhold-audit-syslog");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues committed records for sending; never blocks. */
    @Override
    public void committed(List<AuditRecord> records) {
        for (AuditRecord r : records) {
            if (draining || closed || !queue.offer(r)) {
                notForwarded.incrementAndGet();
            }
        }
    }

    /** Records sent so far. */
    public long forwarded() {
        return forwarded.get();
    }

    /** Records that could not be sent (queue full, receiver unreachable at close). */
    public long notForwarded() {
        return notForwarded.get();
    }

    /**
     * Stops taking records, gives the sender up to {@code CLOSE_GRACE_MILLIS} to send what is queued, then
     * stops it; records still queued are counted as not forwarded.
     */
    @Override
    public void close() {
        draining = true;
        try {
            thread.join(CLOSE_GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
        thread.interrupt();
        try {
            thread.join(CLOSE_GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        notForwarded.addAndGet(queue.size());
        queue.clear();
        report(true);
        disconnect();
    }

    private void run() {
        AuditRecord pending = null;
        while (!closed) {
            try {
                if (pending == null && draining && queue.isEmpty()) {
                    break;
                }
                if (pending == null) {
                    pending = queue.poll(Math.max(1, Math.min(1000, reportInterval.toMillis())), TimeUnit.MILLISECONDS);
                }
                if (pending != null) {
                    send(pending);
                    forwarded.incrementAndGet();
                    pending = null;
                }
            } catch (InterruptedException e) {
                break;
            } catch (IOException | RuntimeException e) {
                if (draining) {
                    break; // no retries once closing: what is left is counted
                }
                LOG.debug("audit: sending to syslog {}:{} failed: {}", settings.host(), settings.port(), Failures.describe(e));
                disconnect();
                try {
                    Thread.sleep(RETRY_PAUSE_MILLIS);
                } catch (InterruptedException interrupted) {
                    break;
                }
            }
            report(false);
        }
        if (pending != null) {
            notForwarded.incrementAndGet();
        }
    }

    private void send(AuditRecord r) throws IOException {
        String message = SyslogMessage.format(r, settings.facility(), hostname, settings.appName(), processId);
        if (settings.protocol() == ServerConfig.SyslogProtocol.UDP) {
            if (udp == null) {
                udp = new DatagramSocket();
            }
            byte[] b = message.getBytes(StandardCharsets.UTF_8);
            udp.send(new DatagramPacket(b, b.length, new InetSocketAddress(settings.host(), settings.port())));
        } else {
            if (tcp == null) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(settings.host(), settings.port()), CONNECT_TIMEOUT_MILLIS);
                tcp = s;
                tcpOut = s.getOutputStream();
            }
            tcpOut.write(SyslogMessage.octetCounted(message));
            tcpOut.flush();
        }
    }

    private void report(boolean now) {
        if (!now && System.nanoTime() - nextReportNanos < 0) {
            return;
        }
        nextReportNanos = System.nanoTime() + reportInterval.toNanos();
        long total = notForwarded.get();
        long fresh = total - reportedNotForwarded;
        if (fresh > 0) {
            reportedNotForwarded = total;
            LOG.warn("audit: {} record(s) not forwarded to syslog {}:{} since the last report ({} in all); the database"
                    + " keeps every record", fresh, settings.host(), settings.port(), total);
        }
    }

    private void disconnect() {
        if (udp != null) {
            udp.close();
            udp = null;
        }
        if (tcp != null) {
            try {
                tcp.close();
            } catch (IOException ignored) {
                // closing only
            }
            tcp = null;
            tcpOut = null;
        }
    }
}
