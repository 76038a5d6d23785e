package io.keyhold.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyhold.client.KeyPair;
import io.keyhold.client.KeyPairSpec;
import io.keyhold.client.KmipAttributes;
import io.keyhold.client.KmipClient;
import io.keyhold.client.SymmetricKeySpec;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.RecommendedCurve;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code keyhold key create|create-pair}: KMIP Create of a Symmetric Key and Create Key Pair on the server,
 * printing the new Unique Identifiers.
 */
@Command(name = "key", mixinStandardHelpOptions = true,
        description = "Creates keys on the KMIP server (Create, Create Key Pair).",
        subcommands = {KeyCommand.Create.class, KeyCommand.CreatePair.class})
final class KeyCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand (create, create-pair)");
    }

    /** The usage mask of a comma-separated list of usages ("encrypt,decrypt"). */
    static int usageMask(List<String> usages) {
        int mask = 0;
        for (String u : usages) {
            mask |= ClientCommand.parseEnum(CryptographicUsageMask.class, "--usage", u.trim()).value();
        }
        return mask;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Creates a symmetric key (KMIP Create) and prints its Unique Identifier.",
            footer = {"", "Example:", "  keyhold key create --alg AES --length 256 --name orders --activate"})
    static final class Create extends ClientCommand {
        @Option(names = "--alg", paramLabel = "ALG", defaultValue = "AES",
                description = "Cryptographic Algorithm: aes, hmac-sha256, ... (default: ${DEFAULT-VALUE}).")
        String algorithm;

        @Option(names = "--length", paramLabel = "BITS", defaultValue = "256",
                description = "Cryptographic Length in bits (default: ${DEFAULT-VALUE}).")
        int length;

        @Option(names = "--name", paramLabel = "NAME", description = "The key's Name.")
        String name;

        @Option(names = "--usage", paramLabel = "USAGE", split = ",",
                description = "Cryptographic Usage Mask: encrypt, decrypt, wrap-key, mac-generate, ... "
                        + "(default: encrypt,decrypt).")
        List<String> usage = List.of();

        @Option(names = "--group", paramLabel = "GROUP", description = "Object Group.")
        String group;

        @Option(names = "--activate", description = "Activate the key after creating it.")
        boolean activate;

        @Override
        int run(KmipClient kmip) throws Exception {
            SymmetricKeySpec.Builder b = SymmetricKeySpec.builder()
                    .algorithm(parseEnum(CryptographicAlgorithm.class, "--alg", algorithm)).length(length).name(name);
            if (!usage.isEmpty()) {
                b.usageMask(usageMask(usage));
            }
            if (group != null) {
                b.attribute(KmipAttributes.objectGroup(group));
            }
            String id = kmip.create(b.build());
            if (activate) {
                kmip.activate(id);
            }
            if (json) {
                ObjectNode o = jsonObject();
                o.put("id", id);
                o.put("name", name);
                o.put("state", activate ? "Active" : "Pre-Active");
                printJson(o);
            } else {
                out().println(id);
            }
            return 0;
        }
    }

    @Command(name = "create-pair", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Creates a key pair (KMIP Create Key Pair) and prints the private and public key's "
                    + "Unique Identifiers.",
            footer = {"", "Examples:", "  keyhold key create-pair --alg RSA --length 3072 --name signer",
                    "  keyhold key create-pair --alg EC --curve P-256 --name signer --activate"})
    static final class CreatePair extends ClientCommand {
        @Option(names = "--alg", paramLabel = "ALG", required = true, description = "RSA, EC or ECDSA.")
        String algorithm;

        @Option(names = "--length", paramLabel = "BITS",
                description = "Cryptographic Length in bits (RSA default 2048; EC: the curve's).")
        Integer length;

        @Option(names = "--curve", paramLabel = "CURVE", description = "Recommended Curve of EC keys: P-256, P-384, P-521.")
        String curve;

        @Option(names = "--name", paramLabel = "NAME",
                description = "Name of the private key; the public key is named NAME.pub.")
        String name;

        @Option(names = "--private-usage", paramLabel = "USAGE", split = ",",
                description = "Usage Mask of the private key (default: sign).")
        List<String> privateUsage = List.of();

        @Option(names = "--public-usage", paramLabel = "USAGE", split = ",",
                description = "Usage Mask of the public key (default: verify).")
        List<String> publicUsage = List.of();

        @Option(names = "--group", paramLabel = "GROUP", description = "Object Group of both keys.")
        String group;

        @Option(names = "--activate", description = "Activate both keys after creating them.")
        boolean activate;

        @Override
        int run(KmipClient kmip) throws Exception {
            CryptographicAlgorithm alg = parseEnum(CryptographicAlgorithm.class, "--alg", algorithm);
            RecommendedCurve c = curve == null ? null : parseEnum(RecommendedCurve.class, "--curve", curve);
            int bits;
            if (length != null) {
                bits = length;
            } else if (c != null) {
                bits = curveBits(c);
            } else if (alg == CryptographicAlgorithm.RSA) {
                bits = 2048;
            } else {
                throw usage("--length or --curve is required for " + algorithm);
            }
            if (alg != CryptographicAlgorithm.RSA && c == null) {
                c = switch (bits) {
                    case 256 -> RecommendedCurve.P_256;
                    case 384 -> RecommendedCurve.P_384;
                    case 521 -> RecommendedCurve.P_521;
                    default -> null;
                };
            }
            KeyPairSpec.Builder b = KeyPairSpec.builder().algorithm(alg).length(bits);
            if (c != null) {
                b.curve(c);
            }
            if (name != null) {
                b.privateName(name).publicName(name + ".pub");
            }
            if (!privateUsage.isEmpty()) {
                b.privateAttribute(KmipAttributes.usageMask(usageMask(privateUsage)));
            }
            if (!publicUsage.isEmpty()) {
                b.publicAttribute(KmipAttributes.usageMask(usageMask(publicUsage)));
            }
            if (group != null) {
                b.commonAttribute(KmipAttributes.objectGroup(group));
            }
            KeyPair pair = kmip.createKeyPair(b.build());
            if (activate) {
                kmip.activate(pair.privateKeyId());
                kmip.activate(pair.publicKeyId());
            }
            if (json) {
                ObjectNode o = jsonObject();
                o.put("privateKeyId", pair.privateKeyId());
                o.put("publicKeyId", pair.publicKeyId());
                printJson(o);
            } else {
                out().println("private key: " + pair.privateKeyId());
                out().println("public key:  " + pair.publicKeyId());
            }
            return 0;
        }

        private static int curveBits(RecommendedCurve c) {
            String digits = c.name().replaceAll("\\D", "");
            return switch (c) {
                case P_192, P_224, P_256, P_384, P_521 -> Integer.parseInt(digits);
                case CURVE25519 -> 255;
                case CURVE448 -> 448;
                default -> throw new IllegalArgumentException("--curve " + cliName(c) + ": give --length too");
            };
        }
    }
}
