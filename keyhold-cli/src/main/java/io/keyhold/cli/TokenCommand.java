package io.keyhold.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.server.auth.Actor;
import io.keyhold.server.auth.ApiTokens;
import io.keyhold.server.auth.Grants;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.auth.TicketRights;
import io.keyhold.server.store.Grant;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code keyhold token create|list|revoke}: the API tokens of the HTTPS listener ({@code Authorization: Bearer}),
 * in the database the configuration names, as the operator. A token acts as one identity, with its grants,
 * optionally only within a scope of operations, objects and Object Groups; it is printed once, at creation.
 */
@Command(name = "token",
        description = "Creates, lists and revokes API tokens of the HTTPS listener (Authorization: Bearer).",
        mixinStandardHelpOptions = true,
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand (create, list, revoke)");
    }

    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE", required = true,
                description = "The server's configuration file (its database is changed).")
        Path config;

        /** The environment the configuration overrides come from; tests replace it. */
        Map<String, String> environment = System.getenv();

        /** The clock expiries are counted from; tests replace it. */
        Clock clock = Clock.systemUTC();

        PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Issues an API token acting as an identity, optionally limited to operations, objects and "
                    + "Object Groups. The token is printed once: store it now."})
    static final class Create extends Base {
        @Option(names = "--identity", paramLabel = "NAME", required = true,
                description = "The identity the token acts as (certificate identity or user name).")
        String identity;

        @Option(names = "--operations", paramLabel = "OPS", split = ",",
                description = "Only these KMIP operations, comma-separated (get,encrypt,get-attributes,...), or all.")
        List<String> operations = List.of();

        @Option(names = "--objects", paramLabel = "UID", split = ",",
                description = "Only these objects, by Unique Identifier, comma-separated.")
        List<String> objects = List.of();

        @Option(names = "--groups", paramLabel = "GROUP", split = ",",
                description = "Only the objects of these Object Groups, comma-separated.")
        List<String> groups = List.of();

        @Option(names = "--expires", paramLabel = "WHEN", converter = ExpiryConverter.class,
                description = "When the token stops working: a duration from now (90m, 12h, 30d, 52w) or a time "
                        + "(2027-01-01T00:00:00Z, 2027-01-01). Default: never (until revoked).")
        Expiry expires;

        @Option(names = "--description", paramLabel = "TEXT", description = "A note kept with the token (what uses it).")
        String description = "";

        @Option(names = "--json", description = "One JSON object instead of text.")
        boolean json;

        @Override
        public Integer call() {
            return ConfiguredStore.run(spec, config, environment, (cfg, store, policy) -> {
                TicketRights scope = scope(operations, objects, groups);
                Instant until = expires == null ? null : expires.at(clock.instant());
                ApiTokens.Issued issued = new ApiTokens(store, clock)
                        .create(Actor.Operator.local(), new Identity(requireName(identity)), scope, until, description);
                if (json) {
                    ObjectNode o = JSON.createObjectNode();
                    o.put("id", issued.id());
                    o.put("token", issued.token());
                    o.put("identity", identity);
                    o.put("expires", issued.expires() == null ? null : issued.expires().toString());
                    o.set("scope", scopeJson(scope));
                    o.put("description", description.strip());
                    out().println(o.toString());
                } else {
                    out().println("token:    " + issued.token());
                    out().println("id:       " + issued.id());
                    out().println("identity: " + identity);
                    out().println("expires:  " + (issued.expires() == null ? "never" : issued.expires().toString()));
                    out().println("scope:    " + scopeText(scope));
                }
                spec.commandLine().getErr().println("the token is shown only this once: store it now");
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the API tokens, revoked and expired ones included (never their secrets).")
    static final class ListTokens extends Base {
        @Option(names = "--json", description = "JSON Lines, one token per line, instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            return ConfiguredStore.run(spec, config, environment, (cfg, store, policy) -> {
                Instant now = clock.instant();
                List<ApiTokens.TokenInfo> tokens = new ApiTokens(store, clock).list();
                if (json) {
                    for (ApiTokens.TokenInfo t : tokens) {
                        ObjectNode o = JSON.createObjectNode();
                        o.put("id", t.id());
                        o.put("identity", t.identity().name());
                        o.put("status", t.status(now));
                        o.put("created", t.created().toString());
                        o.put("expires", text(t.expires()));
                        o.put("revoked", text(t.revoked()));
                        o.put("last_used", text(t.lastUsed()));
                        o.set("scope", scopeJson(t.scope()));
                        o.put("description", t.description());
                        out().println(o.toString());
                    }
                    return;
                }
                List<String[]> rows = new ArrayList<>();
                rows.add(new String[] {"ID", "IDENTITY", "STATUS", "CREATED", "EXPIRES", "LAST USED", "SCOPE", "DESCRIPTION"});
                for (ApiTokens.TokenInfo t : tokens) {
                    rows.add(new String[] {t.id(), t.identity().name(), t.status(now), t.created().toString(),
                            t.expires() == null ? "never" : t.expires().toString(),
                            t.lastUsed() == null ? "-" : t.lastUsed().toString(), scopeText(t.scope()),
                            t.description().isEmpty() ? "-" : t.description()});
                }
                table(rows, out());
                out().println(tokens.size() + " token(s)");
            });
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revokes an API token: it stops working at the next request.")
    static final class Revoke extends Base {
        @Parameters(index = "0", paramLabel = "ID", description = "The token's id (as list shows it).")
        String id;

        @Override
        public Integer call() {
            return ConfiguredStore.run(spec, config, environment, (cfg, store, policy) -> {
                if (!new ApiTokens(store, clock).revoke(Actor.Operator.local(), id)) {
                    throw new KmipException(ResultReason.ITEM_NOT_FOUND, "no API token " + printable(id)
                            + " that is not revoked already");
                }
                out().println("revoked API token " + id);
            });
        }
    }

    /**
     * The scope the options name: {@link TicketRights#UNRESTRICTED} when none is given (or only {@code
     * --operations all}), else one Right of those operations (none listed or all: every one) on those objects
     * and groups (none listed: every object).
     */
    static TicketRights scope(List<String> operations, List<String> objects, List<String> groups) throws KmipException {
        Set<Operation> ops = new LinkedHashSet<>();
        if (!operations.isEmpty()) {
            Set<String> names = Grants.canonical(new LinkedHashSet<>(operations));
            if (!names.contains(Grant.ALL_OPERATIONS)) {
                for (String name : names) {
                    for (Operation o : Operation.values()) {
                        if (o.specName().equals(name)) {
                            ops.add(o);
                        }
                    }
                }
            }
        }
        Set<String> uids = names(objects, "object");
        Set<String> groupNames = names(groups, "Object Group");
        if (ops.isEmpty() && uids.isEmpty() && groupNames.isEmpty()) {
            return TicketRights.UNRESTRICTED;
        }
        return new TicketRights(List.of(new TicketRights.Right(ops, uids, groupNames)));
    }

    private static Set<String> names(List<String> raw, String what) throws KmipException {
        Set<String> out = new LinkedHashSet<>();
        for (String s : raw) {
            if (s.isBlank()) {
                throw new KmipException(ResultReason.INVALID_FIELD, "an empty " + what + " name");
            }
            out.add(s.strip());
        }
        return out;
    }

    private static String requireName(String identity) throws KmipException {
        if (identity == null || identity.isBlank()) {
            throw new KmipException(ResultReason.INVALID_FIELD, "the identity name is empty");
        }
        return identity;
    }

    /** "any operation on any object" or "Encrypt, Get on objects k1 and object groups g1". */
    static String scopeText(TicketRights scope) {
        if (!scope.restricted()) {
            return "any operation on any object";
        }
        return ApiTokens.describe(scope).substring("scope: ".length());
    }

    private static ArrayNode scopeJson(TicketRights scope) {
        ArrayNode rights = JSON.createArrayNode();
        for (TicketRights.Right r : scope.rights()) {
            ObjectNode o = rights.addObject();
            ArrayNode ops = o.putArray("operations");
            r.operations().stream().map(Operation::specName).sorted().forEach(ops::add);
            ArrayNode uids = o.putArray("objects");
            new TreeSet<>(r.uniqueIdentifiers()).forEach(uids::add);
            ArrayNode gs = o.putArray("groups");
            new TreeSet<>(r.objectGroups()).forEach(gs::add);
        }
        return rights;
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    private static void table(List<String[]> rows, PrintWriter out) {
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length - 1; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                sb.append(i == row.length - 1 ? row[i] : String.format("%-" + width[i] + "s  ", row[i]));
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 128; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }

    /** An expiry as given: a duration from the time the command runs, or a time. */
    record Expiry(Duration after, Instant at) {
        Instant at(Instant now) {
            return at != null ? at : now.plus(after);
        }
    }

    /** "90m", "12h", "30d", "52w", "3600s"; or a time as {@code keyhold audit} takes it. */
    static final class ExpiryConverter implements CommandLine.ITypeConverter<Expiry> {
        private static final Pattern DURATION = Pattern.compile("([1-9][0-9]{0,8})([smhdw])");

        @Override
        public Expiry convert(String value) {
            Matcher m = DURATION.matcher(value.strip());
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                Duration d = switch (m.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    default -> Duration.ofDays(7 * n);
                };
                return new Expiry(d, null);
            }
            try {
                return new Expiry(null, new AuditCommand.TimeConverter().convert(value.strip()));
            } catch (CommandLine.TypeConversionException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not an expiry (expected a duration "
                        + "such as 30d, 12h, 90m, 52w, or a time such as 2027-01-01T00:00:00Z or 2027-01-01)");
            }
        }
    }
}
