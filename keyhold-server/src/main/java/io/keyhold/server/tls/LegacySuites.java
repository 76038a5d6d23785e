package io.keyhold.server.tls;

import java.security.Security;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets the JDK negotiate the legacy suites. JDK 24 and later list {@code TLS_RSA_*} in the
 * {@code jdk.tls.disabledAlgorithms} security property; this removes exactly the entries that would disable
 * one of {@link CipherSuites#TLS12_LEGACY} and keeps every other entry. The JDK reads the property once, when
 * TLS is first used in the process, so this must run before any SSL context is created: the server calls it
 * before it builds its own.
 */
public final class LegacySuites {
    static final String PROPERTY = "jdk.tls.disabledAlgorithms";
    private static final Logger log = LoggerFactory.getLogger(LegacySuites.class);

    private LegacySuites() {
    }

    /** Removes the entries that disable the legacy suites; idempotent. Returns the entries removed. */
    public static synchronized List<String> enable() {
        String value = Security.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<String> kept = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (String entry : value.split(",")) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            if (disablesLegacySuite(e)) {
                removed.add(e);
            } else {
                kept.add(e);
            }
        }
        if (!removed.isEmpty()) {
            Security.setProperty(PROPERTY, String.join(", ", kept));
            log.info("Enabled the legacy TLS 1.2 cipher suites by removing {} from {}", removed, PROPERTY);
        }
        return removed;
    }

    /** True for an entry that names, or matches with a wildcard, one of the legacy suites. */
    static boolean disablesLegacySuite(String entry) {
        if (!entry.startsWith("TLS_") || entry.contains(" ")) {
            return false;
        }
        Pattern p = Pattern.compile(Pattern.quote(entry).replace("*", "\\E.*\\Q"));
        return CipherSuites.TLS12_LEGACY.stream().anyMatch(s -> p.matcher(s).matches());
    }
}
