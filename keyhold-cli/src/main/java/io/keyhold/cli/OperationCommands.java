package io.keyhold.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyhold.client.DerivationParameters;
import io.keyhold.client.ExportedObject;
import io.keyhold.client.KmipAttributes;
import io.keyhold.client.KmipClient;
import io.keyhold.client.Lease;
import io.keyhold.client.SymmetricKeySpec;
import io.keyhold.client.Ticket;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.AdjustmentType;
import io.keyhold.protocol.spec.CancellationResult;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.DerivationMethod;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.SplitKeyMethod;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.ValidityIndicator;
import io.keyhold.protocol.json.KmipJson;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.protocol.xml.KmipXml;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The client commands for the less common KMIP operations: {@code derive-key}, {@code certify},
 * {@code recertify}, {@code validate}, {@code split-key create|join}, {@code check}, {@code obtain-lease},
 * {@code get-usage-allocation}, {@code rng-seed}, {@code log}, {@code export}, {@code import}, {@code login},
 * {@code logout}, {@code poll}, {@code cancel}, {@code attributes set|adjust}, and the
 * generic {@code call}, which sends any Request Payload written in KMIP's JSON or XML encoding.
 */
final class OperationCommands {
    private OperationCommands() {
    }

    /** Prints one Unique Identifier (text) or {"id": ...} (JSON) plus the named extra fields. */
    static void printId(ClientCommand c, String key, String uid) throws Exception {
        if (c.json) {
            ObjectNode o = c.jsonObject();
            o.put(key, uid);
            c.printJson(o);
        } else {
            c.out().println(uid);
        }
    }

    @Command(name = "derive-key", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Derives a new symmetric key from a key or secret data with the Derive Key usage (KMIP Derive "
                    + "Key) and prints its Unique Identifier.",
            footer = {"", "Examples:",
                    "  keyhold derive-key --id 7 --method pbkdf2 --salt-hex 0011aabb --iterations 100000 --hash sha-256",
                    "  keyhold derive-key --id 7 --method hkdf --salt-hex 0011aabb --data-hex 636f6e74657874 --length 128"})
    static final class DeriveKey extends ClientCommand {
        @Option(names = "--id", paramLabel = "UID", required = true, description = "The base object's Unique Identifier.")
        String id;

        @Option(names = "--method", paramLabel = "METHOD", required = true,
                description = "Derivation Method: pbkdf2, hkdf, hash, hmac, encrypt, nist800-108-c.")
        String method;

        @Option(names = "--hash", paramLabel = "HASH", description = "Hashing Algorithm (sha-256, sha-512, ...).")
        String hash;

        @Option(names = "--salt-hex", paramLabel = "HEX", description = "Salt, in hex.")
        String salt;

        @Option(names = "--iterations", paramLabel = "N", description = "Iteration Count (PBKDF2).")
        Integer iterations;

        @Option(names = "--data-hex", paramLabel = "HEX", description = "Derivation Data (HKDF info, HMAC input), in hex.")
        String data;

        @Option(names = "--alg", paramLabel = "ALG", defaultValue = "AES",
                description = "Cryptographic Algorithm of the new key (default: ${DEFAULT-VALUE}).")
        String algorithm;

        @Option(names = "--length", paramLabel = "BITS", defaultValue = "256",
                description = "Cryptographic Length of the new key (default: ${DEFAULT-VALUE}).")
        int length;

        @Option(names = "--name", paramLabel = "NAME", description = "The new key's Name.")
        String name;

        @Option(names = "--usage", paramLabel = "USAGE", split = ",",
                description = "Cryptographic Usage Mask of the new key (default: encrypt,decrypt).")
        List<String> usage = List.of();

        @Override
        int run(KmipClient kmip) throws Exception {
            SymmetricKeySpec.Builder b = SymmetricKeySpec.builder()
                    .algorithm(parseEnum(CryptographicAlgorithm.class, "--alg", algorithm)).length(length).name(name);
            if (!usage.isEmpty()) {
                b.usageMask(KeyCommand.usageMask(usage));
            }
            DerivationParameters p = new DerivationParameters(
                    hash == null ? null : parseEnum(HashingAlgorithm.class, "--hash", hash),
                    CryptoCommands.unhex("--salt-hex", salt), iterations, CryptoCommands.unhex("--data-hex", data));
            String uid = kmip.deriveKey(id, parseEnum(DerivationMethod.class, "--method", method), p, b.build());
            printId(this, "id", uid);
            return 0;
        }
    }

    @Command(name = "certify", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Has the server's CA issue a certificate (KMIP Certify) for a stored public key or a PKCS#10 "
                    + "request, and prints the certificate's Unique Identifier.",
            footer = {"", "Examples:", "  keyhold certify --id 12 --subject \"CN=device-1,O=Example\" --name device-1",
                    "  keyhold certify --csr device.csr"})
    static final class Certify extends ClientCommand {
        @Option(names = "--id", paramLabel = "UID", description = "The public key's Unique Identifier.")
        String id;

        @Option(names = "--subject", paramLabel = "DN", description = "Subject distinguished name (with --id, no --csr).")
        String subject;

        @Option(names = "--csr", paramLabel = "FILE", description = "A PKCS#10 request, DER or PEM; - for standard input.")
        String csr;

        @Option(names = "--name", paramLabel = "NAME", description = "The certificate's Name (with --subject).")
        String name;

        @Override
        void validate() {
            if (csr == null && (id == null || subject == null)) {
                throw usage("give --id and --subject, or --csr");
            }
            if (csr != null && (subject != null || name != null)) {
                throw usage("--subject and --name do not go with --csr (the request names its subject)");
            }
        }

        @Override
        int run(KmipClient kmip) throws Exception {
            String uid = csr != null ? kmip.certifyRequest(id, readInput(csr))
                    : kmip.certify(id, subject, name == null ? List.of() : List.of(KmipAttributes.name(name)));
            printId(this, "id", uid);
            return 0;
        }
    }

    @Command(name = "recertify", mixinStandardHelpOptions = true,
            description = "Has the server's CA issue a new certificate for the same key (KMIP Re-certify) and prints "
                    + "its Unique Identifier.")
    static final class Recertify extends ClientCommand {
        @Option(names = "--id", paramLabel = "UID", required = true, description = "The certificate's Unique Identifier.")
        String id;

        @Override
        int run(KmipClient kmip) throws Exception {
            printId(this, "id", kmip.reCertify(id));
            return 0;
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Validates a certificate chain, leaf first (KMIP Validate): prints valid (exit 0), invalid or "
                    + "unknown (exit 1).")
    static final class Validate extends ClientCommand {
        @Option(names = "--id", paramLabel = "UID", required = true,
                description = "A certificate's Unique Identifier (repeatable, leaf first).")
        List<String> ids = new ArrayList<>();

        @Override
        int run(KmipClient kmip) throws Exception {
            ValidityIndicator v = kmip.validate(ids);
            String word = v.specName().toLowerCase(Locale.ROOT);
            if (json) {
                ObjectNode o = jsonObject();
                ArrayNode a = o.putArray("ids");
                ids.forEach(a::add);
                o.put("validity", word);
                printJson(o);
            } else {
                out().println(word);
            }
            if (v != ValidityIndicator.VALID) {
                return fail(EXIT_FAILED, v.specName() + ": the certificate chain is not valid");
            }
            return 0;
        }
    }

    /** {@code keyhold split-key create|join}. */
    @Command(name = "split-key", mixinStandardHelpOptions = true,
            description = "Splits a symmetric key into parts (KMIP Create Split Key) and joins them back (Join Split Key).",
            subcommands = {SplitCreate.class, SplitJoin.class})
    static final class SplitKey implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            throw new ParameterException(spec.commandLine(), "Missing required subcommand (create, join)");
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Splits a key into Split Key objects (KMIP Create Split Key), of which --threshold rebuild "
                    + "it; prints their Unique Identifiers, one a line.",
            footer = {"", "Examples:", "  keyhold split-key create --id 42 --parts 5 --threshold 3",
                    "  keyhold split-key create --parts 3 --threshold 3 --method xor --length 128"})
    static final class SplitCreate extends ClientCommand {
        @Option(names = "--id", paramLabel = "UID", description = "The key to split (default: a new one).")
        String id;

        @Option(names = "--parts", paramLabel = "N", required = true, description = "Split Key Parts.")
        int parts;

        @Option(names = "--threshold", paramLabel = "N", required = true, description = "Split Key Threshold.")
        int threshold;

        @Option(names = "--method", paramLabel = "METHOD", defaultValue = "polynomial-sharing-gf-2-8",
                description = "Split Key Method: xor, polynomial-sharing-gf-2-8, polynomial-sharing-prime-field, "
                        + "polynomial-sharing-gf-2-16 (default: ${DEFAULT-VALUE}).")
        String method;

        @Option(names = "--alg", paramLabel = "ALG", defaultValue = "AES", description = "Algorithm of a new key.")
        String algorithm;

        @Option(names = "--length", paramLabel = "BITS", defaultValue = "256", description = "Length of a new key.")
        int length;

        @Override
        int run(KmipClient kmip) throws Exception {
            SymmetricKeySpec newKey = id != null ? null : SymmetricKeySpec.builder()
                    .algorithm(parseEnum(CryptographicAlgorithm.class, "--alg", algorithm)).length(length).build();
            List<String> uids = kmip.createSplitKey(id, parts, threshold, parseEnum(SplitKeyMethod.class, "--method", method),
                    newKey);
            if (json) {
                ObjectNode o = jsonObject();
                ArrayNode a = o.putArray("parts");
                uids.forEach(a::add);
                printJson(o);
            } else {
                uids.forEach(out()::println);
            }
            return 0;
        }
    }

    @Command(name = "join", mixinStandardHelpOptions = true,
            description = "Joins Split Key parts back into a key (KMIP Join Split Key) and prints its Unique Identifier.",
            footer = {"", "Example:", "  keyhold split-key join --id 43 --id 45 --id 47 --usage encrypt,decrypt"})
    static final class SplitJoin extends ClientCommand {
        @Option(names = "--id", paramLabel = "UID", required = true, description = "A part's Unique Identifier (repeatable).")
        List<String> ids = new ArrayList<>();

        @Option(names = "--type", paramLabel = "TYPE", defaultValue = "symmetric-key",
                description = "Object Type of the result: symmetric-key or secret-data (default: ${DEFAULT-VALUE}).")
        String type;

        @Option(names = "--usage", paramLabel = "USAGE", split = ",", description = "Cryptographic Usage Mask of the result.")
        List<String> usage = List.of();

        @Override
        int run(KmipClient kmip) throws Exception {
            List<KmipAttribute> attributes = usage.isEmpty() ? List.of()
                    : List.of(KmipAttributes.usageMask(KeyCommand.usageMask(usage)));
            printId(this, "id", kmip.joinSplitKey(ids, parseEnum(ObjectType.class, "--type", type), attributes));
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Asks whether an object may be used (KMIP Check): prints ok (exit 0), or the reason it may "
                    + "not (exit 1).",
            footer = {"", "Example:", "  keyhold check --id 42 --usage encrypt --count 10 --lease 3600"})
    static final class Check extends ClientCommand {
        @Option(names = "--id", paramLabel = "UID", required = true, description = "The object's Unique Identifier.")
        String id;

        @Option(names = "--count", paramLabel = "N", description = "Usage Limits Count wanted.")
        Long count;

        @Option(names = "--usage", paramLabel = "USAGE", split = ",", description = "Cryptographic Usage Mask wanted.")
        List<String> usage = List.of();

        @Option(names = "--lease", paramLabel = "SECONDS", description = "Lease Time wanted, in seconds.")
        Long lease;

        @Override
        int run(KmipClient kmip) throws Exception {
            kmip.check(id, count, usage.isEmpty() ? null : KeyCommand.usageMask(usage),
                    lease == null ? null : Duration.ofSeconds(lease));
            if (json) {
                ObjectNode o = jsonObject();
                o.put("id", id);
                o.put("ok", true);
                printJson(o);
            } else {
                out().println("ok");
            }
            return 0;
        }
    }

    @Command(name = "obtain-lease", mixinStandardHelpOptions = true,
            description = "Obtains a lease on an active object (KMIP Obtain Lease): prints the Lease Time and Last "
                    + "Change Date.")
    static final class ObtainLease extends ClientCommand {
        @Option(names = "--id", paramLabel = "UID", required = true, description = "The object's Unique Identifier.")
        String id;

        @Override
        int run(KmipClient kmip) throws Exception {
            Lease l = kmip.obtainLease(id);
            if (json) {
                ObjectNode o = jsonObject();
                o.put("id", id);
                o.put("leaseSeconds", l.leaseTime().toSeconds());
                o.put("lastChangeDate", l.lastChangeDate().toString());
                printJson(o);
            } else {
                out().println("lease time:       " + l.leaseTime().toSeconds() + " s");
                out().println("last change date: " + l.lastChangeDate());
            }
            return 0;
        }
    }

    @Command(name = "get-usage-allocation", mixinStandardHelpOptions = true,
            description = "Allocates uses of an object with Usage Limits (KMIP Get Usage Allocation).")
    static final class GetUsageAllocation extends ClientCommand {
        @Option(names = "--id", paramLabel = "UID", required = true, description = "The object's Unique Identifier.")
        String id;

        @Option(names = "--count", paramLabel = "N", required = true, description = "Usage Limits Count to allocate.")
        long count;

        @Override
        int run(KmipClient kmip) throws Exception {
            kmip.getUsageAllocation(id, count);
            if (json) {
                ObjectNode o = jsonObject();
                o.put("id", id);
                o.put("allocated", count);
                printJson(o);
            } else {
                out().println("allocated " + count + " of " + id);
            }
            return 0;
        }
    }

    @Command(name = "rng-seed", mixinStandardHelpOptions = true,
            description = "Seeds the server's random number generator (KMIP RNG Seed) with the bytes of a file.")
    static final class RngSeed extends ClientCommand {
        @Option(names = "--in", paramLabel = "FILE", required = true, description = "The seed; - for standard input.")
        String in;

        @Override
        int run(KmipClient kmip) throws Exception {
            int taken = kmip.rngSeed(readInput(in));
            if (json) {
                ObjectNode o = jsonObject();
                o.put("accepted", taken);
                printJson(o);
            } else {
                out().println("the server took " + taken + " seed bytes");
            }
            return 0;
        }
    }

    @Command(name = "log", mixinStandardHelpOptions = true,
            description = "Writes a message to the server's log (KMIP Log, 2.0 and later).")
    static final class Log extends ClientCommand {
        @Option(names = "--message", paramLabel = "TEXT", required = true, description = "The Log Message.")
        String message;

        @Override
        int run(KmipClient kmip) throws Exception {
            kmip.log(message);
            if (json) {
                printJson(jsonObject().put("logged", true));
            } else {
                out().println("logged");
            }
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Sets an attribute, adding it when absent (KMIP Set Attribute, 2.0 and later).",
            footer = {"", "Example:", "  keyhold attributes set --id 42 --name x-owner --value payments"})
    static final class SetAttribute extends AttributesCommand.Change {
        @Option(names = "--value", paramLabel = "VALUE", required = true, description = "The new value, as text.")
        String value;

        @Override
        int run(KmipClient kmip) throws Exception {
            kmip.setAttribute(id, AttributesCommand.parse(name, value));
            printDone("set");
            return 0;
        }
    }

    @Command(name = "adjust", mixinStandardHelpOptions = true,
            description = "Increments, decrements or negates a numeric attribute (KMIP Adjust Attribute, 2.0 and later).",
            footer = {"", "Example:", "  keyhold attributes adjust --id 42 --name x-uses --increment 1"})
    static final class AdjustAttribute extends AttributesCommand.Change {
        @Option(names = "--increment", paramLabel = "N", description = "Add N.")
        Long increment;

        @Option(names = "--decrement", paramLabel = "N", description = "Subtract N.")
        Long decrement;

        @Option(names = "--negate", description = "Negate the value.")
        boolean negate;

        @Override
        void validate() {
            int given = (increment != null ? 1 : 0) + (decrement != null ? 1 : 0) + (negate ? 1 : 0);
            if (given != 1) {
                throw usage("give one of --increment, --decrement, --negate");
            }
        }

        @Override
        int run(KmipClient kmip) throws Exception {
            if (increment != null) {
                kmip.adjustAttribute(id, name, AdjustmentType.INCREMENT, increment);
            } else if (decrement != null) {
                kmip.adjustAttribute(id, name, AdjustmentType.DECREMENT, decrement);
            } else {
                kmip.adjustAttribute(id, name, AdjustmentType.NEGATE, null);
            }
            printDone("adjusted");
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Exports an object with all its attributes (KMIP Export) to a file in KMIP JSON, which "
                    + "keyhold import reads.",
            footer = {"", "The file holds the key material: it is created readable by its owner only.", "",
                    "Example:", "  keyhold export --id 42 --out key-42.json"})
    static final class Export extends ClientCommand {
        @Option(names = "--id", paramLabel = "UID", required = true, description = "The object's Unique Identifier.")
        String id;

        @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where it is written; - for standard output.")
        String outFile;

        @Override
        int run(KmipClient kmip) throws Exception {
            ExportedObject e = kmip.export(id);
            writeOutput(outFile, (new KmipJson().write(e.toTtlv()) + "\n").getBytes(StandardCharsets.UTF_8));
            if (outFile.equals("-")) {
                return 0;
            }
            if (json) {
                ObjectNode o = jsonObject();
                o.put("id", id);
                o.put("objectType", e.objectType().specName());
                o.put("attributes", e.attributes().size());
                o.put("out", outFile);
                printJson(o);
            } else {
                out().println("exported " + e.objectType().specName() + " " + id + " with " + e.attributes().size()
                        + " attributes to " + outFile);
            }
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Imports an object written by keyhold export (KMIP Import), under its Unique Identifier or "
                    + "--id, and prints that identifier.",
            footer = {"", "Example:", "  keyhold import --in key-42.json --id key-42-copy"})
    static final class Import extends ClientCommand {
        @Option(names = "--in", paramLabel = "FILE", required = true, description = "The exported object; - for standard input.")
        String in;

        @Option(names = "--id", paramLabel = "UID", description = "Import under this Unique Identifier instead.")
        String id;

        @Option(names = "--replace", description = "Replace an object of the same identifier (Replace Existing).")
        boolean replace;

        @Override
        int run(KmipClient kmip) throws Exception {
            ExportedObject e;
            try {
                e = ExportedObject.fromTtlv(new KmipJson().read(new String(readInput(in), StandardCharsets.UTF_8)));
            } catch (CodecException | IllegalArgumentException x) {
                throw usage("--in: not an object written by keyhold export: " + x.getMessage());
            }
            printId(this, "id", kmip.importObject(id == null ? e : e.withUniqueIdentifier(id), replace));
            return 0;
        }
    }

    @Command(name = "login", mixinStandardHelpOptions = true,
            description = "Obtains a Ticket for this client's identity (KMIP Login, 2.0 and later) and prints its value "
                    + "in hex.")
    static final class Login extends ClientCommand {
        @Option(names = "--lease", paramLabel = "SECONDS", description = "Lease Time asked (default: the server's).")
        Long lease;

        @Option(names = "--requests", paramLabel = "N", description = "Request Count: how many requests the ticket allows.")
        Integer requests;

        @Override
        int run(KmipClient kmip) throws Exception {
            Ticket t = kmip.login(lease == null ? null : Duration.ofSeconds(lease), requests);
            if (json) {
                ObjectNode o = jsonObject();
                o.put("ticket", t.hex());
                o.put("ticketType", t.type());
                printJson(o);
            } else {
                out().println(t.hex());
            }
            return 0;
        }
    }

    @Command(name = "logout", mixinStandardHelpOptions = true,
            description = "Ends a Login ticket (KMIP Logout, 2.0 and later).")
    static final class Logout extends ClientCommand {
        @Option(names = "--ticket", paramLabel = "HEX", required = true, description = "The Ticket Value, in hex.")
        String ticket;

        @Override
        int run(KmipClient kmip) throws Exception {
            kmip.logout(Ticket.login(CryptoCommands.unhex("--ticket", ticket)));
            if (json) {
                printJson(jsonObject().put("loggedOut", true));
            } else {
                out().println("logged out");
            }
            return 0;
        }
    }

    @Command(name = "poll", mixinStandardHelpOptions = true,
            description = "Asks for the result of an asynchronous request (KMIP Poll): prints its Response Payload in "
                    + "KMIP JSON, or pending (exit 0 either way); a failed request exits 1.")
    static final class Poll extends ClientCommand {
        @Option(names = "--correlation", paramLabel = "HEX", required = true,
                description = "The Asynchronous Correlation Value, in hex.")
        String correlation;

        @Override
        int run(KmipClient kmip) throws Exception {
            Optional<TtlvItem> r = kmip.poll(CryptoCommands.unhex("--correlation", correlation));
            if (json) {
                ObjectNode o = jsonObject();
                o.put("pending", r.isEmpty());
                if (r.isPresent()) {
                    o.set("payload", JSON.readTree(new KmipJson().write(r.get())));
                }
                printJson(o);
            } else {
                out().println(r.isEmpty() ? "pending" : new KmipJson().write(r.get()));
            }
            return 0;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "Cancels an asynchronous request not yet started (KMIP Cancel) and prints the Cancellation "
                    + "Result: canceled, unable to cancel, completed, failed or unavailable.")
    static final class Cancel extends ClientCommand {
        @Option(names = "--correlation", paramLabel = "HEX", required = true,
                description = "The Asynchronous Correlation Value, in hex.")
        String correlation;

        @Override
        int run(KmipClient kmip) throws Exception {
            CancellationResult r = kmip.cancel(CryptoCommands.unhex("--correlation", correlation));
            String word = r.specName().toLowerCase(Locale.ROOT);
            if (json) {
                printJson(jsonObject().put("result", word));
            } else {
                out().println(word);
            }
            return 0;
        }
    }

    @Command(name = "call", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Sends any KMIP operation with a Request Payload written in KMIP's JSON or XML encoding and "
                    + "prints the Response Payload in the same encoding.",
            footer = {"", "Examples:",
                    "  echo '{\"tag\":\"RequestPayload\",\"value\":[{\"tag\":\"QueryFunction\",\"type\":\"Enumeration\","
                            + "\"value\":\"QueryOperations\"}]}' | keyhold call --operation Query --payload -",
                    "  keyhold call --operation \"Derive Key\" --payload derive.xml --payload-format xml",
                    "  keyhold call --operation Create --payload create.json --async"})
    static final class Call extends ClientCommand {
        @Option(names = "--operation", paramLabel = "OPERATION", required = true,
                description = "The operation: \"Derive Key\", derive-key, DeriveKey, ...")
        String operation;

        @Option(names = "--payload", paramLabel = "FILE",
                description = "The Request Payload; - for standard input (default: an empty payload).")
        String payload;

        @Option(names = "--payload-format", paramLabel = "FORMAT", defaultValue = "json",
                description = "json or xml (default: ${DEFAULT-VALUE}).")
        String format;

        @Option(names = "--async", description = "Send it asynchronously and print the Asynchronous Correlation Value "
                + "(hex) to give keyhold poll or keyhold cancel.")
        boolean async;

        @Override
        void validate() {
            if (!format.equals("json") && !format.equals("xml")) {
                throw usage("--payload-format: unknown value '" + format + "' (expected: json, xml)");
            }
        }

        @Override
        int run(KmipClient kmip) throws Exception {
            Operation op = parseEnum(Operation.class, "--operation", operation);
            boolean xml = format.equals("xml");
            TtlvItem request = TtlvItem.structure(Tag.REQUEST_PAYLOAD);
            if (payload != null) {
                String text = new String(readInput(payload), StandardCharsets.UTF_8);
                try {
                    request = xml ? new KmipXml().read(text) : new KmipJson().read(text);
                } catch (CodecException e) {
                    throw usage("--payload: not a KMIP " + format.toUpperCase(Locale.ROOT) + " item: " + e.getMessage());
                }
                if (request.tag() != Tag.REQUEST_PAYLOAD) {
                    throw usage("--payload: the item must be a Request Payload");
                }
            }
            if (async) {
                String correlation = hex(kmip.callAsynchronously(op, request));
                if (json) {
                    printJson(jsonObject().put("correlation", correlation));
                } else {
                    out().println(correlation);
                }
                return 0;
            }
            TtlvItem response = kmip.call(op, request);
            out().println(xml ? new KmipXml().write(response) : new KmipJson().write(response));
            out().flush();
            return 0;
        }
    }
}
