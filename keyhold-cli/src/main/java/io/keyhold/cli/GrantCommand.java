package io.keyhold.cli;

import io.keyhold.server.auth.Actor;
import io.keyhold.server.auth.Grants;
import io.keyhold.server.store.Grant;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code keyhold grant add|remove|list}: permissions of identities and identity groups on objects and Object
 * Groups (docs/access-control.md), changed directly in the database the configuration names, as the operator.
 */
@Command(name = "grant",
        description = "Grants, revokes and lists permissions on objects (docs/access-control.md).",
        mixinStandardHelpOptions = true,
        subcommands = {GrantCommand.Add.class, GrantCommand.Remove.class, GrantCommand.ListGrants.class})
final class GrantCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand (add, remove, list)");
    }

    /** --object UID | --group GROUP */
    static final class TargetOptions {
        @Option(names = "--object", paramLabel = "UID", required = true, description = "One object, by Unique Identifier.")
        String object;

        @Option(names = "--group", paramLabel = "GROUP", required = true,
                description = "Every object whose Object Group attribute is GROUP.")
        String group;

        Grants.Target target() {
            return object != null ? new Grants.Target(Grant.TargetKind.OBJECT, object)
                    : new Grants.Target(Grant.TargetKind.OBJECT_GROUP, group);
        }
    }

    /** --to IDENTITY | --to-group NAME */
    static final class GranteeOptions {
        @Option(names = "--to", paramLabel = "IDENTITY", required = true,
                description = "An identity (certificate identity or user name).")
        String identity;

        @Option(names = "--to-group", paramLabel = "NAME", required = true,
                description = "An identity group of access.groups.")
        String group;

        Grants.Grantee grantee() {
            return identity != null ? new Grants.Grantee(Grant.GranteeKind.IDENTITY, identity)
                    : new Grants.Grantee(Grant.GranteeKind.GROUP, group);
        }
    }

    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE", required = true,
                description = "The server's configuration file (its database is changed).")
        Path config;

        /** The environment the configuration overrides come from; tests replace it. */
        Map<String, String> environment = System.getenv();

        PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Grants operations on an object or an Object Group to an identity or an identity group.")
    static final class Add extends Base {
        @ArgGroup(exclusive = true, multiplicity = "1")
        TargetOptions target;

        @ArgGroup(exclusive = true, multiplicity = "1")
        GranteeOptions grantee;

        @Option(names = "--operations", paramLabel = "OPS", required = true, split = ",",
                description = "KMIP operations, comma-separated (get,encrypt,get-attributes,...), or all.")
        List<String> operations;

        @Override
        public Integer call() {
            return ConfiguredStore.run(spec, config, environment, (cfg, store, policy) -> {
                List<Grant> added = new Grants(store, policy, Clock.systemUTC())
                        .grant(Actor.Operator.local(), target.target(), grantee.grantee(), new LinkedHashSet<>(operations));
                if (added.isEmpty()) {
                    out().println("nothing to do: already granted");
                }
                for (Grant g : added) {
                    out().println("granted " + line(g));
                }
            });
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Revokes operations (all granted ones without --operations) on a target from a grantee.")
    static final class Remove extends Base {
        @ArgGroup(exclusive = true, multiplicity = "1")
        TargetOptions target;

        @ArgGroup(exclusive = true, multiplicity = "1")
        GranteeOptions grantee;

        @Option(names = "--operations", paramLabel = "OPS", split = ",",
                description = "Operations to revoke, comma-separated, or all (the grant of every operation).")
        List<String> operations = List.of();

        @Override
        public Integer call() {
            return ConfiguredStore.run(spec, config, environment, (cfg, store, policy) -> {
                for (Grant g : new Grants(store, policy, Clock.systemUTC())
                        .revoke(Actor.Operator.local(), target.target(), grantee.grantee(), new LinkedHashSet<>(operations))) {
                    out().println("revoked " + line(g));
                }
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists grants, one per line: operation, target, grantee.")
    static final class ListGrants extends Base {
        @Option(names = "--object", paramLabel = "UID", description = "Only grants on this object (by Unique Identifier).")
        String object;

        @Option(names = "--to", paramLabel = "NAME", description = "Only grants to this identity or identity group.")
        String to;

        @Override
        public Integer call() {
            return ConfiguredStore.run(spec, config, environment, (cfg, store, policy) -> {
                for (Grant g : new Grants(store, policy, Clock.systemUTC())
                        .list(Optional.ofNullable(object), Optional.ofNullable(to))) {
                    out().println(line(g));
                }
            });
        }
    }

    /** "Get on object 1f3c… to identity client2", "all operations on object group finance to group ops". */
    static String line(Grant g) {
        return (g.operation().equals(Grant.ALL_OPERATIONS) ? "all operations" : g.operation()) + " on "
                + (g.targetKind() == Grant.TargetKind.OBJECT ? "object " : "object group ") + g.target() + " to "
                + (g.granteeKind() == Grant.GranteeKind.IDENTITY ? "identity " : "group ") + g.grantee();
    }
}
