package io.keyhold.cli;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KmipEnumeration;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.server.auth.Actor;
import io.keyhold.server.rotation.RotationPolicies;
import io.keyhold.server.rotation.RotationSchedule;
import io.keyhold.server.store.RotationPolicy;
import io.keyhold.server.store.StoredObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code keyhold rotation policy add|list|remove} and {@code keyhold rotation due}: the server's rotation
 * policies and the keys due for scheduled rotation (docs/rotation.md), read and changed directly in the
 * database the configuration names, as the operator; policy changes are recorded in the audit log.
 */
@Command(name = "rotation",
        description = "Scheduled key rotation: rotation policies and what rotates next (docs/rotation.md).",
        mixinStandardHelpOptions = true,
        subcommands = {RotationCommand.Policy.class, RotationCommand.Due.class})
final class RotationCommand implements Callable<Integer> {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})([smhd])");

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand (policy, due)");
    }

    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE", required = true,
                description = "The server's configuration file (its database is read or changed).")
        Path config;

        /** The environment the configuration overrides come from; tests replace it. */
        Map<String, String> environment = System.getenv();

        /** The clock "now" comes from; tests replace it. */
        Clock clock = Clock.systemUTC();

        PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    @Command(name = "policy", mixinStandardHelpOptions = true,
            description = "Adds, lists and removes rotation policies.",
            subcommands = {Add.class, ListPolicies.class, Remove.class})
    static final class Policy implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            throw new ParameterException(spec.commandLine(), "Missing required subcommand (add, list, remove)");
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Adds a policy: the Active keys it matches are rotated every INTERVAL, or after N uses, "
                    + "whichever comes first (at least one of --interval and --max-uses).",
            footer = {"", "Examples:", "  keyhold rotation policy add --config keyhold.yaml --name payments"
                    + " --group payments --interval 90d --grace 7d",
                    "  keyhold rotation policy add --config keyhold.yaml --name gcm --algorithm aes"
                    + " --max-uses 1000000 --interval 365d"})
    static final class Add extends Base {
        @Option(names = "--name", paramLabel = "NAME", required = true, description = "The policy's name (unique).")
        String name;

        @Option(names = "--group", paramLabel = "GROUP", description = "Keys whose Object Group is GROUP.")
        String group;

        @Option(names = "--object-type", paramLabel = "TYPE",
                description = "Objects of this Object Type: symmetric-key, private-key or secret-data (without it: "
                        + "Symmetric Keys and Private Keys).")
        String objectType;

        @Option(names = "--algorithm", paramLabel = "ALG",
                description = "Keys of this Cryptographic Algorithm (aes, rsa, ec, ...).")
        String algorithm;

        @Option(names = "--interval", paramLabel = "DURATION",
                description = "Time between rotations: a number and s, m, h or d (90d, 12h).")
        String interval;

        @Option(names = "--max-uses", paramLabel = "N",
                description = "Rotate a key once it has been used N times (Encrypt, Decrypt, Sign, Signature Verify, "
                        + "MAC, MAC Verify), counted across the nodes.")
        Long maxUses;

        @Option(names = "--grace", paramLabel = "DURATION",
                description = "Revoke the replaced key (Superseded: Deactivated, still readable by Get) this long "
                        + "after its rotation. Without it, replaced keys stay Active.")
        String grace;

        @Override
        public Integer call() {
            RotationPolicy policy;
            try {
                policy = policy();
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            Actor actor = Actor.Operator.local();
            return ConfiguredStore.run(spec, config, environment, (cfg, store, access) -> {
                try {
                    RotationPolicies.add(store, actor, clock, policy);
                } catch (KmipException e) {
                    throw new KmipException(e.reason(), e.getMessage()
                            + " (keyhold rotation policy remove --name " + name + ")");
                }
                out().println("added rotation policy " + line(policy));
            });
        }

        private RotationPolicy policy() {
            Integer type = objectType == null ? null : enumValue("--object-type", ObjectType.values(), objectType);
            if (type != null && !RotationPolicies.rotatedType(type)) {
                throw new IllegalArgumentException("--object-type: only symmetric-key (Re-key), private-key"
                        + " (Re-key Key Pair) and secret-data are rotated, not " + objectType);
            }
            Integer alg = algorithm == null ? null : enumValue("--algorithm", CryptographicAlgorithm.values(), algorithm);
            if (interval == null && maxUses == null) {
                throw new IllegalArgumentException("give --interval, --max-uses or both");
            }
            if (maxUses != null && maxUses < 1) {
                throw new IllegalArgumentException("--max-uses: " + maxUses + " (expected: at least 1)");
            }
            Long intervalSeconds = interval == null ? null : seconds("--interval", interval);
            Long graceSeconds = grace == null ? null : seconds("--grace", grace);
            return new RotationPolicy(name, group, type, alg, intervalSeconds, graceSeconds,
                    clock.instant().getEpochSecond(), maxUses);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the rotation policies, one per line.")
    static final class ListPolicies extends Base {
        @Override
        public Integer call() {
            return ConfiguredStore.run(spec, config, environment, (cfg, store, access) -> {
                for (RotationPolicy p : store.read(tx -> tx.rotationPolicies())) {
                    out().println(line(p));
                }
            });
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Removes a rotation policy (keys already rotated keep their replacements).")
    static final class Remove extends Base {
        @Option(names = "--name", paramLabel = "NAME", required = true, description = "The policy to remove.")
        String name;

        @Override
        public Integer call() {
            Actor actor = Actor.Operator.local();
            return ConfiguredStore.run(spec, config, environment, (cfg, store, access) -> {
                try {
                    RotationPolicies.remove(store, actor, clock, name);
                } catch (KmipException e) {
                    throw new KmipException(e.reason(), e.getMessage() + " (keyhold rotation policy list shows them)");
                }
                out().println("removed rotation policy " + name);
            });
        }
    }

    @Command(name = "due", mixinStandardHelpOptions = true,
            description = "Lists the keys rotated on schedule, next rotation first: when (or the uses counted and "
                    + "the limit), Unique Identifier, Name, what sets it; \"(due)\" marks those the next round rotates.")
    static final class Due extends Base {
        @Option(names = "--limit", paramLabel = "N", description = "At most N lines (default: ${DEFAULT-VALUE}).")
        int limit = 100;

        @Override
        public Integer call() {
            return ConfiguredStore.run(spec, config, environment, (cfg, store, access) -> {
                Instant now = clock.instant();
                List<RotationSchedule.Planned> planned = store.read(tx -> RotationSchedule.upcoming(tx, 10_000));
                if (planned.isEmpty()) {
                    out().println("no key is rotated on schedule");
                }
                for (RotationSchedule.Planned p : planned.subList(0, Math.min(limit, planned.size()))) {
                    StoredObject o = p.object();
                    String name = o.attribute("Name").flatMap(a -> a.value().child(io.keyhold.protocol.spec.Tag.NAME_VALUE))
                            .map(v -> v.textValue()).orElse("-");
                    out().println(when(p) + "  " + o.uniqueIdentifier() + "  " + name + "  " + p.rule().source()
                            + (p.isDue(now) ? "  (due)" : ""));
                }
            });
        }
    }

    /** "2026-03-02T00:00:00Z", "12/100 uses" or "2026-03-02T00:00:00Z or 12/100 uses". */
    static String when(RotationSchedule.Planned p) {
        String uses = p.rule().maxUses() == null ? null : p.uses() + "/" + p.rule().maxUses() + " uses";
        if (p.due() == null) {
            return uses;
        }
        return uses == null ? p.due().toString() : p.due() + " or " + uses;
    }

    static String line(RotationPolicy p) {
        return RotationPolicies.describe(p);
    }

    private static long seconds(String option, String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(option + ": '" + text + "' is not a duration such as 90d, 12h, 30m or 45s");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "d" -> n * 86_400;
            case "h" -> n * 3_600;
            case "m" -> n * 60;
            default -> n;
        };
    }

    private static <E extends KmipEnumeration> int enumValue(String option, E[] values, String text) {
        String wanted = normal(text);
        for (E v : values) {
            if (normal(v.specName()).equals(wanted)) {
                return v.value();
            }
        }
        throw new IllegalArgumentException(option + ": '" + text + "' is not known (for example "
                + values[0].specName().toLowerCase(Locale.ROOT).replace(' ', '-') + ")");
    }

    private static String normal(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }
}
