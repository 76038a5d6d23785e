package io.keyhold.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.server.pki.DevPki;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientTlsTest {
    @TempDir
    Path dir;

    @Test
    void newSslContext_isAFreshContextWithItsOwnSessionCache() throws Exception {
        DevPki.ensure(dir);
        ClientTls tls = ClientTls.fromDirectory(dir);
        SSLContext a = tls.newSslContext();
        SSLContext b = tls.newSslContext();
        assertThat(a).isNotSameAs(b).isNotSameAs(tls.sslContext());
        assertThat(a.getClientSessionContext()).isNotSameAs(b.getClientSessionContext());
        assertThat(tls.withProtocols("TLSv1.2").newSslContext()).isNotNull();
    }

    @Test
    void newSslContext_fromAGivenContext_isRefused() throws Exception {
        ClientTls tls = ClientTls.fromSslContext(SSLContext.getDefault());
        assertThatThrownBy(tls::newSslContext).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("made from an SSLContext");
    }
}
