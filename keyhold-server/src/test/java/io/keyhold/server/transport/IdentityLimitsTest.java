package io.keyhold.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.server.auth.Identity;
import org.junit.jupiter.api.Test;

class IdentityLimitsTest {
    private final Identity alice = new Identity("alice");
    private final Identity bob = new Identity("bob");

    @Test
    void opened_countsPerIdentity_andRefusesBeyondTheLimit() {
        IdentityLimits limits = new IdentityLimits(2, 0);
        assertThat(limits.opened(alice)).isTrue();
        assertThat(limits.opened(alice)).isTrue();
        assertThat(limits.opened(alice)).isFalse();
        assertThat(limits.connections(alice)).as("a refused connection is not counted").isEqualTo(2);
        assertThat(limits.opened(bob)).isTrue();

        limits.closed(alice);
        assertThat(limits.opened(alice)).isTrue();
        limits.closed(alice);
        limits.closed(alice);
        assertThat(limits.connections(alice)).isZero();
    }

    @Test
    void zero_meansNoLimit() {
        IdentityLimits limits = new IdentityLimits(0, 0);
        for (int i = 0; i < 10_000; i++) {
            assertThat(limits.opened(alice)).isTrue();
            assertThat(limits.tryRequest(alice)).isTrue();
        }
        assertThat(limits.connections(alice)).isEqualTo(10_000);
    }

    @Test
    void tryRequest_isSharedByTheIdentitysConnections_andSeparatePerIdentity() {
        IdentityLimits limits = new IdentityLimits(0, 1_000);
        limits.opened(alice);
        limits.opened(alice);
        int allowed = 0;
        for (int i = 0; i < 5_000; i++) {
            if (limits.tryRequest(alice)) {
                allowed++;
            }
        }
        // one second's worth at once, plus whatever refilled while the loop ran (well under four seconds)
        assertThat(allowed).isBetween(1_000, 4_999);
        limits.opened(bob);
        assertThat(limits.tryRequest(bob)).isTrue();
    }

    @Test
    void reconnecting_doesNotRefillTheBucket() {
        IdentityLimits limits = new IdentityLimits(0, 1);
        limits.opened(alice);
        assertThat(limits.tryRequest(alice)).isTrue();
        limits.closed(alice);
        limits.opened(alice);
        // the bucket was kept while not full: a fresh one would allow this request
        assertThat(limits.tryRequest(alice)).isFalse();
    }
}
