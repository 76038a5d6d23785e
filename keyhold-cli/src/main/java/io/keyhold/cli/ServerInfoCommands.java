package io.keyhold.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyhold.client.KmipClient;
import io.keyhold.client.QueryResult;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.QueryFunction;
import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.protocol.spec.TagDefinition;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;

/**
 * The client commands about the server itself: {@code query} (KMIP Query of the operations, object types
 * and server information), {@code discover-versions} and {@code ping}.
 */
final class ServerInfoCommands {
    private ServerInfoCommands() {
    }


    @Command(name = "query", mixinStandardHelpOptions = true,
            description = "Asks the server what it supports (KMIP Query): its operations, object types, vendor "
                    + "and server information.")
    static final class Query extends ClientCommand {
        @Override
        int run(KmipClient kmip) throws Exception {
            QueryResult r = kmip.query(QueryFunction.QUERY_OPERATIONS, QueryFunction.QUERY_OBJECTS,
                    QueryFunction.QUERY_SERVER_INFORMATION);
            List<String> info = r.serverInformation() == null ? List.of() : r.serverInformation().children().stream()
                    .filter(i -> i.type() == ItemType.TEXT_STRING)
                    .map(i -> name(i) + ": " + i.textValue()).toList();
            if (json) {
                ObjectNode o = jsonObject();
                o.put("kmipVersion", kmip.version().toString());
                o.put("vendor", r.vendorIdentification());
                ArrayNode ops = o.putArray("operations");
                r.operations().forEach(op -> ops.add(op.specName()));
                ArrayNode types = o.putArray("objectTypes");
                r.objectTypes().forEach(t -> types.add(t.specName()));
                ObjectNode server = o.putObject("serverInformation");
                if (r.serverInformation() != null) {
                    r.serverInformation().children().stream().filter(i -> i.type() == ItemType.TEXT_STRING)
                            .forEach(i -> server.put(name(i), i.textValue()));
                }
                printJson(o);
            } else {
                out().println("KMIP version:  " + kmip.version());
                out().println("vendor:        " + (r.vendorIdentification() == null ? "-" : r.vendorIdentification()));
                info.forEach(l -> out().println("  " + l));
                out().println("operations:    " + String.join(", ", r.operations().stream().map(Operation::specName).toList()));
                out().println("object types:  " + String.join(", ", r.objectTypes().stream().map(ObjectType::specName).toList()));
            }
            return 0;
        }

        private static String name(TtlvItem i) {
            return SpecTable.get().tag(i.tag()).map(TagDefinition::name).orElse(i.tagHex());
        }
    }

    @Command(name = "discover-versions", mixinStandardHelpOptions = true,
            description = "Lists the protocol versions the server supports (KMIP Discover Versions), preferred first.")
    static final class DiscoverVersions extends ClientCommand {
        @Override
        int run(KmipClient kmip) throws Exception {
            List<KmipVersion> versions = kmip.discoverVersions();
            if (json) {
                ObjectNode o = jsonObject();
                ArrayNode a = o.putArray("versions");
                versions.forEach(v -> a.add(v.toString()));
                printJson(o);
            } else {
                versions.forEach(v -> out().println(v));
            }
            return 0;
        }
    }

    @Command(name = "ping", mixinStandardHelpOptions = true,
            description = "Checks that the server answers (KMIP Ping, 2.1; Discover Versions with older servers) and "
                    + "prints the round trip.")
    static final class Ping extends ClientCommand {
        @Override
        int run(KmipClient kmip) throws Exception {
            KmipVersion v = kmip.version();
            long start = System.nanoTime();
            if (v.isAtLeast(KmipVersion.V2_1)) {
                kmip.ping();
            } else {
                kmip.discoverVersions();
            }
            double ms = (System.nanoTime() - start) / 1e6;
            if (json) {
                ObjectNode o = jsonObject();
                o.put("kmipVersion", v.toString());
                o.put("milliseconds", Math.round(ms * 1000) / 1000.0);
                printJson(o);
            } else {
                out().println(String.format(Locale.ROOT, "KMIP %s answered in %.1f ms", v, ms));
            }
            return 0;
        }
    }
}
