package io.keyhold.server.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.server.auth.ApiTokens;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.auth.TicketRights;
import io.keyhold.server.store.ApiTokenStoreContract;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.testing.SecretScanner;
import io.keyhold.server.testing.TestMasterKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteApiTokenStoreTest extends ApiTokenStoreContract {
    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("keyhold.db");
    }

    @Override
    protected ObjectStore newStore() {
        return SqlObjectStore.open(db(), TestMasterKeys.ephemeral());
    }

    @Test
    void tokenSecret_isNeverInTheDatabase_onlyItsHash() throws Exception {
        ApiTokens tokens = new ApiTokens(store, Clock.systemUTC());
        ApiTokens.Issued issued = tokens.create(new Identity("alice"), TicketRights.UNRESTRICTED, null, "ci");
        assertThat(issued.token()).startsWith("kh_" + issued.id() + "_");
        String secret = issued.token().substring(("kh_" + issued.id() + "_").length());
        assertThat(secret).hasSize(43);
        assertThat(tokens.authenticate(issued.token())).isPresent();

        List<String> cells = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM api_tokens")) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    cells.add(v instanceof byte[] b ? HexFormat.of().formatHex(b) + " " + new String(b, StandardCharsets.ISO_8859_1)
                            : String.valueOf(v));
                }
            }
        }
        assertThat(cells).contains(issued.id(), "alice", "ci");
        SecretScanner scanner = new SecretScanner().add("token", issued.token()).add("secret", secret);
        assertThat(scanner.scan("api_tokens row", String.join("\n", cells))).isEmpty();

        store.close(); // the database and its journal as they rest on disk
        StringBuilder files = new StringBuilder();
        try (var paths = Files.list(dir)) {
            for (Path p : paths.toList()) {
                files.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
            }
        }
        assertThat(files.toString()).contains(issued.id());
        assertThat(scanner.scan("database files", files.toString())).isEmpty();
    }
}
