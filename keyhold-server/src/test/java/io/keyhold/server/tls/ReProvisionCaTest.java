package io.keyhold.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.server.config.ConfigException;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.pki.DevPki;
import io.keyhold.server.transport.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checks that keep a Re-Provision CA from issuing certificates the listener would refuse. */
class ReProvisionCaTest {
    private final DevPki.Layout pki = TestPki.trusted();
    private final DevPki.Layout other = TestPki.other();

    private ServerConfig.Tls tls(Path... cas) {
        return ServerConfig.Tls.of(pki.serverCertificate(), pki.serverKey(), List.of(cas));
    }

    private static ServerConfig.ReProvision ca(Path certificate, Path key) {
        return new ServerConfig.ReProvision(certificate, key, null, Duration.ofDays(1), Duration.ofHours(1));
    }

    @Test
    void aTrustedCaWithItsKeyIsUsed_andNoneConfiguredIsEmpty() throws Exception {
        assertThat(ReProvisionCa.load(tls(pki.ca()), ca(pki.ca(), pki.caKey())))
                .hasValueSatisfying(c -> assertThat(c.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0));
        assertThat(ReProvisionCa.load(tls(pki.ca()), ServerConfig.ReProvision.defaults())).isEmpty();
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() {
        assertThatThrownBy(() -> ReProvisionCa.load(tls(pki.ca()), ca(pki.ca(), pki.serverKey())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("reprovision.ca_private_key").hasMessageContaining("does not belong");
    }

    @Test
    void aCaThatTheListenerDoesNotTrustIsRefused() {
        assertThatThrownBy(() -> ReProvisionCa.load(tls(pki.ca()), ca(other.ca(), other.caKey())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("reprovision.ca_certificate").hasMessageContaining("not one of tls.trusted_cas");
    }

    @Test
    void aCertificateThatIsNoCaIsRefused() {
        assertThatThrownBy(() -> ReProvisionCa.load(tls(pki.ca(), pki.clientCertificate(1)),
                ca(pki.clientCertificate(1), pki.clientKey(1))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not a CA certificate");
    }
}
