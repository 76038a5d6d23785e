package io.keyhold.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyhold.client.KeyPair;
import io.keyhold.client.KmipAttributes;
import io.keyhold.client.KmipClient;
import io.keyhold.client.LocateQuery;
import io.keyhold.client.ManagedObject;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.RevocationReasonCode;
import io.keyhold.protocol.spec.SecretDataType;
import io.keyhold.protocol.spec.State;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The client commands on managed objects, named after their KMIP operations: {@code register}, {@code get},
 * {@code locate}, {@code activate}, {@code revoke}, {@code destroy}, {@code archive}, {@code recover},
 * {@code rekey} and {@code rekey-pair}.
 */
final class ObjectCommands {
    private ObjectCommands() {
    }


    /** A command on one object given by --id, printing it back (text) or {"id": ...} (JSON). */
    abstract static class OnObject extends ClientCommand {
        @Option(names = "--id", paramLabel = "UID", required = true, description = "The object's Unique Identifier.")
        String id;

        abstract void apply(KmipClient kmip) throws Exception;

        /** The past participle printed: "activated". */
        abstract String done();

        @Override
        int run(KmipClient kmip) throws Exception {
            apply(kmip);
            if (json) {
                ObjectNode o = jsonObject();
                o.put("id", id);
                printJson(o);
            } else {
                out().println(done() + " " + id);
            }
            return 0;
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Registers an object given by the client (KMIP Register) and prints its Unique Identifier.",
            footer = {"", "--in is read as it is: the key bytes (symmetric-key), the secret",
                    "(secret-data), the certificate in DER or PEM (certificate), any bytes",
                    "(opaque); - is standard input.",
                    "", "Examples:", "  keyhold register --type secret-data --in db-password.txt --name db",
                    "  keyhold register --type symmetric-key --alg AES --in key.bin --name imported",
                    "  keyhold register --type certificate --in server.pem --name web"})
    static final class Register extends ClientCommand {
        @Option(names = "--type", paramLabel = "TYPE", required = true,
                description = "symmetric-key, secret-data, certificate or opaque.")
        String type;

        @Option(names = "--in", paramLabel = "FILE", required = true, description = "The value; - for standard input.")
        String in;

        @Option(names = "--alg", paramLabel = "ALG", defaultValue = "AES",
                description = "Cryptographic Algorithm of a symmetric key (default: ${DEFAULT-VALUE}).")
        String algorithm;

        @Option(names = "--secret-type", paramLabel = "TYPE", defaultValue = "password",
                description = "Secret Data Type: password or seed (default: ${DEFAULT-VALUE}).")
        String secretType;

        @Option(names = "--name", paramLabel = "NAME", description = "The object's Name.")
        String name;

        @Option(names = "--usage", paramLabel = "USAGE", split = ",",
                description = "Cryptographic Usage Mask (symmetric key default: encrypt,decrypt).")
        List<String> usage = List.of();

        @Option(names = "--group", paramLabel = "GROUP", description = "Object Group.")
        String group;

        @Override
        int run(KmipClient kmip) throws Exception {
            String kind = type.toLowerCase(Locale.ROOT);
            List<KmipAttribute> attributes = new ArrayList<>();
            if (name != null) {
                attributes.add(KmipAttributes.name(name));
            }
            if (group != null) {
                attributes.add(KmipAttributes.objectGroup(group));
            }
            if (!usage.isEmpty()) {
                attributes.add(KmipAttributes.usageMask(KeyCommand.usageMask(usage)));
            }
            if (!List.of("symmetric-key", "secret-data", "certificate", "opaque").contains(kind)) {
                throw usage("--type: unknown value '" + type + "' (expected: symmetric-key, secret-data, certificate, opaque)");
            }
            byte[] value = readInput(in);
            String id = switch (kind) {
                case "symmetric-key" -> {
                    if (usage.isEmpty()) {
                        attributes.add(KmipAttributes.usageMask(KeyCommand.usageMask(List.of("encrypt", "decrypt"))));
                    }
                    yield kmip.registerSymmetricKey(parseEnum(CryptographicAlgorithm.class, "--alg", algorithm), value,
                            attributes);
                }
                case "secret-data" -> kmip.registerSecretData(parseEnum(SecretDataType.class, "--secret-type", secretType),
                        value, attributes);
                case "certificate" -> kmip.registerCertificate(certificateDer(value), attributes);
                default -> kmip.registerOpaque(value, attributes);
            };
            if (json) {
                ObjectNode o = jsonObject();
                o.put("id", id);
                o.put("type", kind);
                o.put("name", name);
                printJson(o);
            } else {
                out().println(id);
            }
            return 0;
        }

        /** DER as it is; the first CERTIFICATE block of PEM decoded. */
        private byte[] certificateDer(byte[] value) {
            String text = new String(value, StandardCharsets.US_ASCII);
            int begin = text.indexOf("-----BEGIN CERTIFICATE-----");
            if (begin < 0) {
                return value;
            }
            int end = text.indexOf("-----END CERTIFICATE-----", begin);
            if (end < 0) {
                throw new IllegalArgumentException("--in " + in + ": PEM certificate without its END line");
            }
            String body = text.substring(begin + "-----BEGIN CERTIFICATE-----".length(), end).replaceAll("\\s", "");
            try {
                return Base64.getDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--in " + in + ": PEM certificate that is not Base64");
            }
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Gets an object (KMIP Get): prints what it is, and writes its value (key material, "
                    + "secret, certificate) to --out.",
                    "The value is never printed on a terminal: give --out FILE, or --out - to write it to standard "
                            + "output."},
            footer = {"", "Examples:", "  keyhold get --id 42 --out key.bin",
                    "  keyhold get --id 43 --format pkcs8 --out private.der",
                    "  keyhold get --id 44 --out - | openssl x509 -inform der -noout -subject"})
    static final class Get extends ClientCommand {
        @Option(names = "--id", paramLabel = "UID", required = true, description = "The object's Unique Identifier.")
        String id;

        @Option(names = "--format", paramLabel = "FORMAT",
                description = "Key Format Type asked for: raw, opaque, pkcs1, pkcs8, x509, ec-private-key, "
                        + "transparent-... (default: the server's).")
        String format;

        @Option(names = "--out", paramLabel = "FILE",
                description = "Where the value is written (readable by its owner only); - for standard output.")
        String outFile;

        @Override
        int run(KmipClient kmip) throws Exception {
            KeyFormatType f = format == null ? null : parseEnum(KeyFormatType.class, "--format", format);
            ManagedObject o = kmip.get(id, f);
            byte[] value = o.value();
            boolean written = false;
            if (outFile != null) {
                if (value == null) {
                    return fail(EXIT_FAILED, "the object's value is a structure (" + (o.keyFormatType() == null ? "?"
                            : o.keyFormatType().specName()) + "), not bytes; ask for a byte format with --format");
                }
                writeOutput(outFile, value);
                written = true;
            }
            boolean toStdout = "-".equals(outFile);
            if (json && !toStdout) {
                ObjectNode j = jsonObject();
                j.put("id", o.uniqueIdentifier());
                j.put("objectType", o.objectType().specName());
                j.put("keyFormatType", o.keyFormatType() == null ? null : o.keyFormatType().specName());
                j.put("algorithm", o.algorithm() == null ? null : o.algorithm().specName());
                if (o.length() == null) {
                    j.putNull("length");
                } else {
                    j.put("length", o.length());
                }
                j.put("bytes", value == null ? null : value.length);
                j.put("out", written ? outFile : null);
                printJson(j);
            } else if (!toStdout) {
                out().println(o.objectType().specName() + " " + o.uniqueIdentifier()
                        + (o.algorithm() == null ? "" : ", " + o.algorithm().specName())
                        + (o.length() == null ? "" : " " + o.length() + " bits")
                        + (o.keyFormatType() == null ? "" : ", " + o.keyFormatType().specName()));
                if (written) {
                    out().println("wrote " + value.length + " bytes to " + outFile);
                } else {
                    out().println("value not shown: give --out FILE (or --out - for standard output)");
                }
            }
            return 0;
        }
    }

    @Command(name = "locate", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Finds objects (KMIP Locate) having all the attributes given; prints their Unique "
                    + "Identifiers, one a line.",
            footer = {"", "Examples:", "  keyhold locate --name orders",
                    "  keyhold locate --type symmetric-key --state active --group payments --max 10"})
    static final class Locate extends ClientCommand {
        @Option(names = "--name", paramLabel = "NAME", description = "Name.")
        String name;

        @Option(names = "--type", paramLabel = "TYPE",
                description = "Object Type: symmetric-key, private-key, public-key, secret-data, certificate, "
                        + "opaque-object, ...")
        String type;

        @Option(names = "--state", paramLabel = "STATE",
                description = "State: pre-active, active, deactivated, compromised, destroyed, destroyed-compromised.")
        String state;

        @Option(names = "--alg", paramLabel = "ALG", description = "Cryptographic Algorithm.")
        String algorithm;

        @Option(names = "--group", paramLabel = "GROUP", description = "Object Group.")
        String group;

        @Option(names = "--max", paramLabel = "N", description = "At most N identifiers (Maximum Items).")
        Integer max;

        @Option(names = "--offset", paramLabel = "N", description = "Skip the first N (Offset Items; KMIP 1.3 or later).")
        Integer offset;

        @Override
        int run(KmipClient kmip) throws Exception {
            LocateQuery.Builder q = LocateQuery.builder();
            if (name != null) {
                q.name(name);
            }
            if (type != null) {
                q.objectType(parseEnum(ObjectType.class, "--type", type.equalsIgnoreCase("opaque") ? "opaque-object" : type));
            }
            if (state != null) {
                q.state(parseEnum(State.class, "--state", state));
            }
            if (algorithm != null) {
                q.algorithm(parseEnum(CryptographicAlgorithm.class, "--alg", algorithm));
            }
            if (group != null) {
                q.objectGroup(group);
            }
            if (max != null) {
                q.maxItems(max);
            }
            if (offset != null) {
                q.offset(offset);
            }
            List<String> ids = kmip.locate(q.build());
            if (json) {
                ObjectNode o = jsonObject();
                ArrayNode a = o.putArray("ids");
                ids.forEach(a::add);
                printJson(o);
            } else {
                ids.forEach(out()::println);
            }
            return 0;
        }
    }

    @Command(name = "activate", mixinStandardHelpOptions = true,
            description = "Activates an object (KMIP Activate): Pre-Active to Active.")
    static final class Activate extends OnObject {
        @Override
        void apply(KmipClient kmip) throws Exception {
            kmip.activate(id);
        }

        @Override
        String done() {
            return "activated";
        }
    }

    /** The short reason names of revoke, and the Revocation Reason Codes they stand for. */
    static final Map<String, RevocationReasonCode> REASONS = Map.of(
            "compromise", RevocationReasonCode.KEY_COMPROMISE,
            "ca-compromise", RevocationReasonCode.CA_COMPROMISE,
            "cessation", RevocationReasonCode.CESSATION_OF_OPERATION,
            "superseded", RevocationReasonCode.SUPERSEDED,
            "affiliation-changed", RevocationReasonCode.AFFILIATION_CHANGED,
            "privilege-withdrawn", RevocationReasonCode.PRIVILEGE_WITHDRAWN,
            "unspecified", RevocationReasonCode.UNSPECIFIED);

    @Command(name = "revoke", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Revokes an object (KMIP Revoke): Compromised for compromise and ca-compromise, "
                    + "Deactivated otherwise.",
            footer = {"", "Example:", "  keyhold revoke --id 42 --reason superseded --message \"rotated to 57\""})
    static final class Revoke extends OnObject {
        @Option(names = "--reason", paramLabel = "REASON", required = true,
                description = "compromise, ca-compromise, cessation, superseded, affiliation-changed, "
                        + "privilege-withdrawn or unspecified.")
        String reason;

        @Option(names = "--message", paramLabel = "TEXT", description = "Revocation Message.")
        String message;

        @Override
        void apply(KmipClient kmip) throws Exception {
            RevocationReasonCode code = REASONS.get(reason.toLowerCase(Locale.ROOT));
            if (code == null) {
                code = parseEnum(RevocationReasonCode.class, "--reason", reason);
            }
            kmip.revoke(id, code, message);
        }

        @Override
        String done() {
            return "revoked";
        }
    }

    @Command(name = "destroy", mixinStandardHelpOptions = true,
            description = "Destroys an object's value (KMIP Destroy); its attributes remain.")
    static final class Destroy extends OnObject {
        @Override
        void apply(KmipClient kmip) throws Exception {
            kmip.destroy(id);
        }

        @Override
        String done() {
            return "destroyed";
        }
    }

    @Command(name = "archive", mixinStandardHelpOptions = true,
            description = "Archives an object (KMIP Archive): out of the server's online storage until recovered.")
    static final class Archive extends OnObject {
        @Override
        void apply(KmipClient kmip) throws Exception {
            kmip.archive(id);
        }

        @Override
        String done() {
            return "archived";
        }
    }

    @Command(name = "recover", mixinStandardHelpOptions = true,
            description = "Recovers an archived object (KMIP Recover).")
    static final class Recover extends OnObject {
        @Override
        void apply(KmipClient kmip) throws Exception {
            kmip.recover(id);
        }

        @Override
        String done() {
            return "recovered";
        }
    }

    @Command(name = "rekey", mixinStandardHelpOptions = true,
            description = "Replaces a symmetric key by a new one of the same attributes (KMIP Re-key); prints the "
                    + "new key's Unique Identifier.")
    static final class Rekey extends ClientCommand {
        @Option(names = "--id", paramLabel = "UID", required = true, description = "The key's Unique Identifier.")
        String id;

        @Override
        int run(KmipClient kmip) throws Exception {
            String replacement = kmip.reKey(id);
            if (json) {
                ObjectNode o = jsonObject();
                o.put("id", replacement);
                o.put("replaces", id);
                printJson(o);
            } else {
                out().println(replacement);
            }
            return 0;
        }
    }

    @Command(name = "rekey-pair", mixinStandardHelpOptions = true,
            description = "Replaces a key pair by a new one (KMIP Re-key Key Pair); prints the new keys' Unique "
                    + "Identifiers.")
    static final class RekeyPair extends ClientCommand {
        @Option(names = "--id", paramLabel = "UID", required = true, description = "The private key's Unique Identifier.")
        String id;

        @Override
        int run(KmipClient kmip) throws Exception {
            KeyPair pair = kmip.reKeyKeyPair(id);
            if (json) {
                ObjectNode o = jsonObject();
                o.put("privateKeyId", pair.privateKeyId());
                o.put("publicKeyId", pair.publicKeyId());
                o.put("replaces", id);
                printJson(o);
            } else {
                out().println("private key: " + pair.privateKeyId());
                out().println("public key:  " + pair.publicKeyId());
            }
            return 0;
        }
    }
}
