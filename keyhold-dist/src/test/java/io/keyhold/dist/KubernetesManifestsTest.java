package io.keyhold.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The Kubernetes manifests of {@code deploy/kubernetes}: that they run the image of this version as its user,
 * with the paths, ports and health routes the image's built-in configuration uses, and that every Secret,
 * volume and Service they name is defined. Each check is also run against a broken copy of the manifests.
 */
class KubernetesManifestsTest {
    static final Path ROOT = Path.of(System.getProperty("keyhold.root", ".."));
    static final Path MANIFESTS = ROOT.resolve("deploy/kubernetes");
    static final String STATEFULSET = "keyhold-statefulset.yaml";
    static final String DEPLOYMENT = "keyhold-deployment-postgresql.yaml";
    static final String SECRETS = "keyhold-secrets.example.yaml";

    static final String IMAGE = "keyhold/keyhold";
    static final long UID = 10001;
    static final long KMIP_PORT = 5696;
    static final long HTTPS_PORT = 8443;
    /** The paths of the image's /etc/keyhold/keyhold.yaml: mount directory to the files expected in it. */
    static final String TLS_DIR = "/etc/keyhold/tls";
    static final List<String> TLS_FILES = List.of("tls.crt", "tls.key", "ca.crt");
    static final String MASTER_KEY_DIR = "/etc/keyhold/master-key";
    static final List<String> MASTER_KEY_FILES = List.of("master.p12", "passphrase");
    static final String DATA_DIR = "/var/lib/keyhold";
    static final String TMP_DIR = "/tmp";
    static final String CONFIG_FILE = "/etc/keyhold/keyhold.yaml";
    static final long SECRET_MODE = 0440;

    // ---------------------------------------------------------------------------------------------------
    // The manifests, as read from deploy/kubernetes

    /** One YAML document of a manifest file. */
    record Document(String file, Map<String, Object> body) {
        String kind() {
            return (String) body.get("kind");
        }

        String name() {
            return (String) map(body.get("metadata"), "metadata").get("name");
        }

        boolean isWorkload() {
            return "StatefulSet".equals(kind()) || "Deployment".equals(kind());
        }

        Map<String, Object> spec() {
            return map(body.get("spec"), this + " spec");
        }

        Map<String, Object> podSpec() {
            return map(at(body, "spec", "template", "spec"), this + " spec.template.spec");
        }

        Map<String, Object> podLabels() {
            return map(at(body, "spec", "template", "metadata", "labels"), this + " spec.template.metadata.labels");
        }

        List<Map<String, Object>> containers() {
            List<Map<String, Object>> all = new ArrayList<>(maps(podSpec().get("containers"), this + " containers"));
            if (podSpec().get("initContainers") != null) {
                all.addAll(maps(podSpec().get("initContainers"), this + " initContainers"));
            }
            return all;
        }

        /** The pod's volumes by name, with a StatefulSet's volume claim templates as {claim: template}. */
        Map<String, Map<String, Object>> volumes() {
            Map<String, Map<String, Object>> volumes = new LinkedHashMap<>();
            Object declared = podSpec().get("volumes");
            for (Map<String, Object> volume : declared == null ? List.<Map<String, Object>>of()
                    : maps(declared, this + " volumes")) {
                assertThat(volumes.put((String) volume.get("name"), volume)).as("%s: volume %s defined twice", this,
                        volume.get("name")).isNull();
            }
            Object claims = spec().get("volumeClaimTemplates");
            for (Map<String, Object> claim : claims == null ? List.<Map<String, Object>>of()
                    : maps(claims, this + " volumeClaimTemplates")) {
                String name = (String) map(claim.get("metadata"), this + " claim metadata").get("name");
                assertThat(volumes.put(name, Map.of("claim", claim))).as("%s: volume %s defined twice", this, name)
                        .isNull();
            }
            return volumes;
        }

        @Override
        public String toString() {
            Object name = body.get("metadata") instanceof Map<?, ?> metadata ? metadata.get("name") : null;
            return file + " " + body.get("kind") + " " + name;
        }
    }

    /** Every document of every manifest file, the project version, and the environment variables of settings. */
    record Manifests(List<Document> documents, String version, Set<String> settingVariables) {
        List<Document> in(String file) {
            return documents.stream().filter(d -> d.file().equals(file)).toList();
        }

        List<Document> workloads() {
            return documents.stream().filter(Document::isWorkload).toList();
        }

        Document only(String file, String kind) {
            List<Document> found = in(file).stream().filter(d -> kind.equals(d.kind())).toList();
            assertThat(found).as("%s: one %s", file, kind).hasSize(1);
            return found.get(0);
        }

        /** The Secrets of the example file: name to the keys they hold. */
        Map<String, Set<String>> secrets() {
            Map<String, Set<String>> secrets = new LinkedHashMap<>();
            for (Document secret : in(SECRETS)) {
                Set<String> keys = new LinkedHashSet<>();
                for (String field : List.of("data", "stringData")) {
                    if (secret.body().get(field) != null) {
                        keys.addAll(map(secret.body().get(field), secret + " " + field).keySet());
                    }
                }
                secrets.put(secret.name(), keys);
            }
            return secrets;
        }
    }

    static Manifests load() throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(MANIFESTS)) {
            for (Path file : list.filter(p -> p.getFileName().toString().endsWith(".yaml")).toList()) {
                files.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return load(files);
    }

    static Manifests load(Map<String, String> files) throws Exception {
        assertThat(files).as("manifest files in %s", MANIFESTS).containsKeys(STATEFULSET, DEPLOYMENT, SECRETS);
        List<Document> documents = new ArrayList<>();
        files.forEach((file, text) -> Yaml.documents(text, file).forEach(d -> documents.add(new Document(file, d))));
        return new Manifests(documents, projectVersion(), settingVariables());
    }

    /** The version of the root pom.xml (its own {@code <version>}, not its parent's). */
    static String projectVersion() throws Exception {
        Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(ROOT.resolve("pom.xml").toFile()).getDocumentElement();
        for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("version")) {
                return e.getTextContent().strip();
            }
        }
        return fail("no <version> in %s", ROOT.resolve("pom.xml"));
    }

    /** The environment variables of the settings table of docs/configuration.md. */
    static Set<String> settingVariables() throws IOException {
        Set<String> names = new LinkedHashSet<>();
        Pattern variable = Pattern.compile("`(KEYHOLD_[A-Z0-9_]+)`");
        for (String line : Files.readAllLines(ROOT.resolve("docs/configuration.md"), StandardCharsets.UTF_8)) {
            if (line.startsWith("| `")) {
                Matcher m = variable.matcher(line);
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        assertThat(names).as("setting variables of docs/configuration.md")
                .contains("KEYHOLD_STORAGE_DATABASE", "KEYHOLD_KMIP_PORT");
        return names;
    }

    // ---------------------------------------------------------------------------------------------------
    // The checks

    /** Each check fails with an AssertionError naming the file, the object and what is wrong. */
    static final class Checks {
        private Checks() {
        }

        static void everyDocumentIsAKubernetesObject(Manifests m) {
            assertThat(m.documents()).as("documents").isNotEmpty();
            for (Document d : m.documents()) {
                assertThat(d.body().get("apiVersion")).as("%s: apiVersion", d).isInstanceOf(String.class);
                assertThat((String) d.body().get("apiVersion")).as("%s: apiVersion", d).isNotBlank();
                assertThat(d.body().get("kind")).as("%s: kind", d).isInstanceOf(String.class);
                assertThat(d.body().get("metadata")).as("%s: metadata", d).isInstanceOf(Map.class);
                assertThat(map(d.body().get("metadata"), "metadata").get("name")).as("%s: metadata.name", d)
                        .isInstanceOf(String.class);
                assertThat(d.name()).as("%s: metadata.name", d).isNotBlank();
            }
            for (String file : List.of(STATEFULSET, DEPLOYMENT, SECRETS)) {
                assertThat(m.in(file)).as("documents of %s", file).isNotEmpty();
            }
        }

        static void containersRunTheImageOfThisVersion(Manifests m) {
            assertThat(m.workloads()).as("workloads").isNotEmpty();
            for (Document w : m.workloads()) {
                assertThat(w.containers()).as("%s: containers", w).isNotEmpty();
                for (Map<String, Object> c : w.containers()) {
                    assertThat(c.get("image")).as("%s: image of container %s", w, c.get("name"))
                            .isEqualTo(IMAGE + ":" + m.version());
                }
            }
        }

        static void containersExposeKmipAndHttps(Manifests m) {
            for (Document w : m.workloads()) {
                Map<String, Object> c = keyhold(w);
                Map<Long, Object> protocols = new LinkedHashMap<>();
                for (Map<String, Object> port : maps(c.get("ports"), w + " ports")) {
                    protocols.put(number(port.get("containerPort"), w + " containerPort"),
                            port.getOrDefault("protocol", "TCP"));
                }
                assertThat(protocols).as("%s: container ports", w).containsEntry(KMIP_PORT, "TCP")
                        .containsEntry(HTTPS_PORT, "TCP");
            }
        }

        static void probesAskTheHealthRoutesOverHttps(Manifests m) {
            for (Document w : m.workloads()) {
                Map<String, Object> c = keyhold(w);
                assertProbe(w, c, "livenessProbe", List.of("/health/live"));
                assertProbe(w, c, "readinessProbe", List.of("/health/ready"));
                assertProbe(w, c, "startupProbe", List.of("/health/live", "/health/ready"));
            }
        }

        private static void assertProbe(Document w, Map<String, Object> c, String probe, List<String> paths) {
            Map<String, Object> get = map(at(c, probe, "httpGet"), w + " " + probe + ".httpGet");
            assertThat(get.get("path")).as("%s: %s path", w, probe).isIn(paths.toArray());
            assertThat(containerPort(w, c, get.get("port"))).as("%s: %s port", w, probe).isEqualTo(HTTPS_PORT);
            assertThat(get.get("scheme")).as("%s: %s scheme", w, probe).isEqualTo("HTTPS");
        }

        static void podsRunAsKeyholdWithoutPrivileges(Manifests m) {
            for (Document w : m.workloads()) {
                Map<String, Object> pod = map(w.podSpec().get("securityContext"), w + " pod securityContext");
                assertThat(pod.get("runAsNonRoot")).as("%s: pod runAsNonRoot", w).isEqualTo(true);
                for (String id : List.of("runAsUser", "runAsGroup", "fsGroup")) {
                    assertThat(number(pod.get(id), w + " pod " + id)).as("%s: pod %s", w, id).isEqualTo(UID);
                }
                assertThat(at(pod, "seccompProfile", "type")).as("%s: seccompProfile", w).isEqualTo("RuntimeDefault");
                assertThat(w.podSpec().get("enableServiceLinks")).as("%s: enableServiceLinks", w).isEqualTo(false);
                assertThat(w.podSpec().get("automountServiceAccountToken")).as("%s: automountServiceAccountToken", w)
                        .isEqualTo(false);
                assertThat(w.podSpec().get("hostNetwork")).as("%s: hostNetwork", w).isNotEqualTo(true);
                for (Map<String, Object> c : w.containers()) {
                    String name = w + " container " + c.get("name");
                    Map<String, Object> own = c.get("securityContext") == null ? Map.of()
                            : map(c.get("securityContext"), name + " securityContext");
                    assertThat(own.getOrDefault("runAsNonRoot", pod.get("runAsNonRoot"))).as("%s: runAsNonRoot", name)
                            .isEqualTo(true);
                    assertThat(number(own.getOrDefault("runAsUser", pod.get("runAsUser")), name + " runAsUser"))
                            .as("%s: runAsUser", name).isEqualTo(UID);
                    assertThat(own.get("readOnlyRootFilesystem")).as("%s: readOnlyRootFilesystem", name)
                            .isEqualTo(true);
                    assertThat(own.get("allowPrivilegeEscalation")).as("%s: allowPrivilegeEscalation", name)
                            .isEqualTo(false);
                    assertThat(own.get("privileged")).as("%s: privileged", name).isNotEqualTo(true);
                    assertThat(list(at(own, "capabilities", "drop"), name + " capabilities.drop"))
                            .as("%s: capabilities.drop", name).contains("ALL");
                    assertThat(at(own, "capabilities", "add")).as("%s: capabilities.add", name).isNull();
                }
            }
        }

        static void secretsAndVolumesAreDefined(Manifests m) {
            Map<String, Set<String>> secrets = m.secrets();
            Set<String> used = new LinkedHashSet<>();
            for (Document w : m.workloads()) {
                Map<String, Map<String, Object>> volumes = w.volumes();
                Set<String> mounted = new LinkedHashSet<>();
                for (Map<String, Object> c : w.containers()) {
                    for (Map<String, Object> mount : mounts(w, c)) {
                        assertThat(volumes).as("%s: volume of the mount at %s", w, mount.get("mountPath"))
                                .containsKey((String) mount.get("name"));
                        mounted.add((String) mount.get("name"));
                        if (volumes.get(mount.get("name")).get("secret") != null) {
                            assertThat(mount.get("readOnly")).as("%s: mount of Secret volume %s readOnly", w,
                                    mount.get("name")).isEqualTo(true);
                            assertThat(mount.get("subPath")).as("%s: subPath of Secret volume %s (never updated)", w,
                                    mount.get("name")).isNull();
                        }
                    }
                    for (Map<String, Object> env : env(w, c)) {
                        Object ref = at(env, "valueFrom", "secretKeyRef");
                        if (ref != null) {
                            Map<String, Object> key = map(ref, w + " secretKeyRef");
                            assertThat(secrets).as("%s: Secret of variable %s", w, env.get("name"))
                                    .containsKey((String) key.get("name"));
                            assertThat(secrets.get(key.get("name"))).as("%s: key of variable %s", w, env.get("name"))
                                    .contains((String) key.get("key"));
                            used.add((String) key.get("name"));
                        }
                    }
                }
                assertThat(mounted).as("%s: volumes mounted", w).containsExactlyInAnyOrderElementsOf(volumes.keySet());
                for (Map.Entry<String, Map<String, Object>> volume : volumes.entrySet()) {
                    if (volume.getValue().get("secret") == null) {
                        continue;
                    }
                    Map<String, Object> secret = map(volume.getValue().get("secret"), w + " secret volume");
                    assertThat(secrets).as("%s: Secret of volume %s (in %s)", w, volume.getKey(), SECRETS)
                            .containsKey((String) secret.get("secretName"));
                    assertThat(secret.get("items")).as("%s: items of volume %s (the keys are the file names)", w,
                            volume.getKey()).isNull();
                    assertThat(secret.get("defaultMode")).as("%s: defaultMode of volume %s", w, volume.getKey())
                            .isNotNull();
                    assertThat(number(secret.get("defaultMode"), "defaultMode")).as("%s: defaultMode of volume %s", w,
                            volume.getKey()).isEqualTo(SECRET_MODE);
                    used.add((String) secret.get("secretName"));
                }
            }
            assertThat(used).as("Secrets of %s used by a workload", SECRETS)
                    .containsExactlyInAnyOrderElementsOf(secrets.keySet());
        }

        static void mountsMatchThePathsOfTheImage(Manifests m) {
            Map<String, Set<String>> secrets = m.secrets();
            for (Document w : m.workloads()) {
                Map<String, Object> c = keyhold(w);
                Map<String, Map<String, Object>> byPath = new LinkedHashMap<>();
                for (Map<String, Object> mount : mounts(w, c)) {
                    String path = (String) mount.get("mountPath");
                    assertThat(byPath.put(path, w.volumes().get(mount.get("name")))).as("%s: two mounts at %s", w, path)
                            .isNull();
                    boolean hides = CONFIG_FILE.equals(path)
                            || CONFIG_FILE.startsWith(path.endsWith("/") ? path : path + "/");
                    assertThat(hides).as("%s: mount at %s hides the image's %s", w, path, CONFIG_FILE).isFalse();
                }
                assertThat(byPath).as("%s: mount paths", w).containsKeys(TLS_DIR, MASTER_KEY_DIR, DATA_DIR, TMP_DIR);
                assertThat(secrets.get(secretName(byPath.get(TLS_DIR)))).as("%s: files of the Secret at %s", w, TLS_DIR)
                        .containsAll(TLS_FILES);
                assertThat(secrets.get(secretName(byPath.get(MASTER_KEY_DIR))))
                        .as("%s: files of the Secret at %s", w, MASTER_KEY_DIR).containsAll(MASTER_KEY_FILES);
                assertThat(byPath.get(TMP_DIR)).as("%s: volume at %s", w, TMP_DIR).containsKey("emptyDir");
            }
        }

        static void servicesSelectThePods(Manifests m) {
            for (Document s : m.documents()) {
                if (!"Service".equals(s.kind())) {
                    continue;
                }
                Map<String, Object> selector = map(s.spec().get("selector"), s + " selector");
                assertThat(selector).as("%s: selector", s).isNotEmpty();
                List<Document> selected = m.in(s.file()).stream()
                        .filter(w -> w.isWorkload() && w.podLabels().entrySet().containsAll(selector.entrySet()))
                        .toList();
                assertThat(selected).as("%s: workloads of %s whose pods it selects", s, s.file()).hasSize(1);
                Document w = selected.get(0);
                Set<Long> ports = new LinkedHashSet<>();
                for (Map<String, Object> port : maps(s.spec().get("ports"), s + " ports")) {
                    ports.add(number(port.get("port"), s + " port"));
                    Object target = port.getOrDefault("targetPort", port.get("port"));
                    assertThat(containerPort(w, keyhold(w), target)).as("%s: targetPort %s", s, target)
                            .isEqualTo(number(port.get("port"), "port"));
                }
                assertThat(ports).as("%s: ports", s).contains(KMIP_PORT, HTTPS_PORT);
            }
            for (Document d : m.documents()) {
                if (d.isWorkload() || "PodDisruptionBudget".equals(d.kind())) {
                    Map<String, Object> labels = map(at(d.body(), "spec", "selector", "matchLabels"),
                            d + " selector.matchLabels");
                    assertThat(labels).as("%s: selector.matchLabels", d).isNotEmpty();
                    assertThat(m.in(d.file()).stream().filter(w -> w.isWorkload()
                            && w.podLabels().entrySet().containsAll(labels.entrySet())))
                            .as("%s: workloads of %s whose pods it selects", d, d.file()).hasSize(1);
                }
            }
        }

        static void embeddedDatabaseIsOneNodeWithItsOwnVolume(Manifests m) {
            Document set = m.only(STATEFULSET, "StatefulSet");
            assertThat(set.spec().get("replicas")).as("%s: replicas", set).isNotNull();
            assertThat(number(set.spec().get("replicas"), "replicas")).as("%s: replicas", set).isEqualTo(1);
            Map<String, Object> data = mountedAt(set, DATA_DIR);
            assertThat(data).as("%s: volume at %s", set, DATA_DIR).containsKey("claim");
            assertThat(list(at(data, "claim", "spec", "accessModes"), "accessModes")).as("%s: accessModes", set)
                    .containsExactly("ReadWriteOnce");
            List<Document> governing = m.in(STATEFULSET).stream()
                    .filter(s -> "Service".equals(s.kind()) && s.name().equals(set.spec().get("serviceName"))).toList();
            assertThat(governing).as("%s: its serviceName %s", set, set.spec().get("serviceName")).hasSize(1);
            assertThat(governing.get(0).spec().get("clusterIP")).as("%s clusterIP", governing.get(0)).isEqualTo("None");
            assertThat(env(set, keyhold(set)).stream().map(e -> e.get("name")))
                    .as("%s: variables (SQLite in %s)", set, DATA_DIR).doesNotContain("KEYHOLD_STORAGE_DATABASE");
        }

        static void postgresqlNodesShareTheDatabase(Manifests m) {
            Document deployment = m.only(DEPLOYMENT, "Deployment");
            assertThat(number(deployment.spec().get("replicas"), "replicas")).as("%s: replicas", deployment)
                    .isGreaterThanOrEqualTo(2);
            assertThat(deployment.spec().get("volumeClaimTemplates")).isNull();
            assertThat(mountedAt(deployment, DATA_DIR)).as("%s: volume at %s", deployment, DATA_DIR)
                    .containsKey("emptyDir");
            Map<Object, String> values = new LinkedHashMap<>();
            env(deployment, keyhold(deployment)).forEach(e -> values.put(e.get("name"),
                    e.get("value") instanceof String value ? value : null));
            assertThat(values.get("KEYHOLD_STORAGE_DATABASE")).as("%s: KEYHOLD_STORAGE_DATABASE", deployment)
                    .startsWith("jdbc:postgresql://");
            assertThat(values.get("KEYHOLD_STORAGE_DATABASE_USER")).as("%s: KEYHOLD_STORAGE_DATABASE_USER", deployment)
                    .isNotBlank();
            assertThat(values.get("KEYHOLD_STORAGE_DATABASE_PASSWORD_FILE"))
                    .as("%s: KEYHOLD_STORAGE_DATABASE_PASSWORD_FILE", deployment).isNotNull();
            long replicas = number(deployment.spec().get("replicas"), "replicas");
            Document budget = m.only(DEPLOYMENT, "PodDisruptionBudget");
            assertThat(budget.spec().get("maxUnavailable") == null)
                    .as("%s: one of maxUnavailable and minAvailable", budget)
                    .isNotEqualTo(budget.spec().get("minAvailable") == null);
            String limit = budget.spec().get("maxUnavailable") != null ? "maxUnavailable" : "minAvailable";
            assertThat(number(budget.spec().get(limit), limit)).as("%s: %s", budget, limit).isBetween(1L, replicas - 1);
        }

        /**
         * No password or passphrase in a manifest: variables holding one name a file of a mounted Secret (or, for
         * {@code _ENV} settings, a variable from a Secret), and no value carries {@code password=}. Every
         * {@code KEYHOLD_} variable is a setting (a misspelt one would be ignored), every value a string.
         */
        static void environmentHoldsSettingsAndNoPassword(Manifests m) {
            Map<String, Set<String>> secrets = m.secrets();
            Pattern secretName = Pattern.compile("(^|_)(PASSWORD|PASSPHRASE|PIN|SECRET|TOKEN)(_|$)");
            for (Document w : m.workloads()) {
                for (Map<String, Object> c : w.containers()) {
                    Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
                    for (Map<String, Object> e : env(w, c)) {
                        String name = (String) e.get("name");
                        assertThat(byName.put(name, e)).as("%s: variable %s set twice", w, name).isNull();
                        if (e.containsKey("value")) {
                            assertThat(e.get("value")).as("%s: value of %s (must be a string)", w, name)
                                    .isInstanceOf(String.class);
                            assertThat(((String) e.get("value")).toLowerCase(Locale.ROOT))
                                    .as("%s: value of %s", w, name).doesNotContain("password=");
                        }
                        if (name.startsWith("KEYHOLD_")) {
                            assertThat(m.settingVariables()).as("%s: %s is a setting of docs/configuration.md", w, name)
                                    .contains(name);
                        }
                    }
                    for (Map.Entry<String, Map<String, Object>> e : byName.entrySet()) {
                        String name = e.getKey();
                        if (!secretName.matcher(name.replaceAll("_(FILE|ENV)$", "")).find()) {
                            continue;
                        }
                        if (name.endsWith("_FILE")) {
                            String file = (String) e.getValue().get("value");
                            assertThat(file).as("%s: %s", w, name).isNotNull();
                            Map<String, Object> mount = mounts(w, c).stream()
                                    .filter(mt -> file.startsWith(mt.get("mountPath") + "/")).findFirst().orElse(null);
                            assertThat(mount).as("%s: mount holding %s=%s", w, name, file).isNotNull();
                            String secret = secretName(w.volumes().get(mount.get("name")));
                            assertThat(secret).as("%s: %s=%s is in a Secret", w, name, file).isNotNull();
                            assertThat(secrets.get(secret)).as("%s: key of Secret %s for %s", w, secret, name)
                                    .contains(file.substring(((String) mount.get("mountPath")).length() + 1));
                        } else if (name.endsWith("_ENV")) {
                            Map<String, Object> named = byName.get((String) e.getValue().get("value"));
                            assertThat(named == null ? null : at(named, "valueFrom", "secretKeyRef"))
                                    .as("%s: the variable %s names comes from a Secret", w, name).isNotNull();
                        } else {
                            assertThat(at(e.getValue(), "valueFrom", "secretKeyRef"))
                                    .as("%s: %s comes from a Secret", w, name).isNotNull();
                        }
                    }
                }
            }
        }

        static void secretsExampleHoldsPlaceholdersOnly(Manifests m) {
            for (Document secret : m.in(SECRETS)) {
                assertThat(secret.kind()).as("%s: kind", secret).isEqualTo("Secret");
                if (secret.body().get("data") != null) {
                    map(secret.body().get("data"), "data").forEach((key, value) -> {
                        assertThat(value).as("%s: %s", secret, key).isInstanceOf(String.class);
                        assertThat(new String(Base64.getDecoder().decode((String) value), StandardCharsets.UTF_8))
                                .as("%s: %s", secret, key).startsWith("PLACEHOLDER");
                    });
                }
                if (secret.body().get("stringData") != null) {
                    map(secret.body().get("stringData"), "stringData").forEach((key, value) ->
                            assertThat(value).as("%s: %s", secret, key).asString().startsWith("PLACEHOLDER"));
                }
            }
            assertThat(m.secrets().values()).as("keys of the Secrets").anySatisfy(keys ->
                    assertThat(keys).containsAll(TLS_FILES));
            Document tls = m.in(SECRETS).stream().filter(s -> m.secrets().get(s.name()).containsAll(TLS_FILES))
                    .findFirst().orElseThrow();
            assertThat(tls.body().get("type")).as("%s: type", tls).isEqualTo("kubernetes.io/tls");
        }

    }

    static final List<Consumer<Manifests>> CHECKS = List.of(
            Checks::everyDocumentIsAKubernetesObject,
            Checks::containersRunTheImageOfThisVersion,
            Checks::containersExposeKmipAndHttps,
            Checks::probesAskTheHealthRoutesOverHttps,
            Checks::podsRunAsKeyholdWithoutPrivileges,
            Checks::secretsAndVolumesAreDefined,
            Checks::mountsMatchThePathsOfTheImage,
            Checks::servicesSelectThePods,
            Checks::embeddedDatabaseIsOneNodeWithItsOwnVolume,
            Checks::postgresqlNodesShareTheDatabase,
            Checks::environmentHoldsSettingsAndNoPassword,
            Checks::secretsExampleHoldsPlaceholdersOnly);

    // ---------------------------------------------------------------------------------------------------
    // The tests

    @Test
    void everyDocumentIsAKubernetesObject() throws Exception {
        Checks.everyDocumentIsAKubernetesObject(load());
    }

    @Test
    void containersRunTheImageOfThisVersion() throws Exception {
        Manifests m = load();
        assertThat(m.version()).isNotBlank();
        Checks.containersRunTheImageOfThisVersion(m);
    }

    @Test
    void containersExposeKmipAndHttps() throws Exception {
        Checks.containersExposeKmipAndHttps(load());
    }

    @Test
    void probesAskTheHealthRoutesOverHttps() throws Exception {
        Checks.probesAskTheHealthRoutesOverHttps(load());
    }

    @Test
    void podsRunAsKeyholdWithoutPrivileges() throws Exception {
        Checks.podsRunAsKeyholdWithoutPrivileges(load());
    }

    @Test
    void secretsAndVolumesAreDefined() throws Exception {
        Checks.secretsAndVolumesAreDefined(load());
    }

    @Test
    void mountsMatchThePathsOfTheImage() throws Exception {
        Checks.mountsMatchThePathsOfTheImage(load());
    }

    @Test
    void servicesSelectThePods() throws Exception {
        Checks.servicesSelectThePods(load());
    }

    @Test
    void embeddedDatabaseIsOneNodeWithItsOwnVolume() throws Exception {
        Checks.embeddedDatabaseIsOneNodeWithItsOwnVolume(load());
    }

    @Test
    void postgresqlNodesShareTheDatabase() throws Exception {
        Checks.postgresqlNodesShareTheDatabase(load());
    }

    @Test
    void environmentHoldsSettingsAndNoPassword() throws Exception {
        Checks.environmentHoldsSettingsAndNoPassword(load());
    }

    @Test
    void secretsExampleHoldsPlaceholdersOnly() throws Exception {
        Checks.secretsExampleHoldsPlaceholdersOnly(load());
    }

    /** A broken copy of one manifest: the first occurrence of {@code from} replaced by {@code to}. */
    static Stream<Arguments> brokenManifests() throws Exception {
        String version = projectVersion();
        return Stream.of(
                Arguments.of(STATEFULSET, "image: keyhold/keyhold:" + version, "image: keyhold/keyhold:latest",
                        "image of container keyhold"),
                Arguments.of(DEPLOYMENT, "containerPort: 5696", "containerPort: 5697", "container ports"),
                Arguments.of(DEPLOYMENT, "path: /health/ready", "path: /health", "readinessProbe path"),
                Arguments.of(STATEFULSET, "scheme: HTTPS", "scheme: HTTP", "startupProbe scheme"),
                Arguments.of(STATEFULSET, "              port: 8443", "              port: 5696", "startupProbe port"),
                Arguments.of(DEPLOYMENT, "        runAsUser: 10001", "        runAsUser: 0", "pod runAsUser"),
                Arguments.of(STATEFULSET, "            runAsNonRoot: true", "            runAsNonRoot: false",
                        "runAsNonRoot"),
                Arguments.of(DEPLOYMENT, "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false",
                        "readOnlyRootFilesystem"),
                Arguments.of(STATEFULSET, "                - ALL", "                - NET_RAW", "capabilities.drop"),
                Arguments.of(DEPLOYMENT, "enableServiceLinks: false", "enableServiceLinks: true",
                        "enableServiceLinks"),
                Arguments.of(SECRETS, "name: keyhold-master-key", "name: keyhold-master-keys",
                        "Secret of volume master-key"),
                Arguments.of(SECRETS, "  passphrase: ", "  pass-phrase: ",
                        "files of the Secret at /etc/keyhold/master-key"),
                Arguments.of(STATEFULSET, "              mountPath: /tmp", "              mountPath: /var/tmp",
                        "mount paths"),
                Arguments.of(STATEFULSET, "              mountPath: /etc/keyhold/tls",
                        "              mountPath: /etc/keyhold", "hides the image's /etc/keyhold/keyhold.yaml"),
                Arguments.of(DEPLOYMENT, "            - name: postgres\n              mountPath",
                        "            - name: postgress\n              mountPath", "volume of the mount at"),
                Arguments.of(DEPLOYMENT, "              readOnly: true", "              readOnly: false",
                        "mount of Secret volume tls readOnly"),
                Arguments.of(DEPLOYMENT, "defaultMode: 0440", "defaultMode: 0644", "defaultMode of volume tls"),
                Arguments.of(STATEFULSET, "  selector:\n    app.kubernetes.io/name: keyhold",
                        "  selector:\n    app.kubernetes.io/name: keyhold-server", "whose pods it selects"),
                Arguments.of(DEPLOYMENT, "      targetPort: https", "      targetPort: 9443", "targetPort"),
                Arguments.of(STATEFULSET, "  replicas: 1", "  replicas: 2", "replicas"),
                Arguments.of(STATEFULSET, "serviceName: keyhold-headless", "serviceName: keyhold-internal",
                        "its serviceName"),
                Arguments.of(DEPLOYMENT, "  replicas: 3", "  replicas: 1", "replicas"),
                Arguments.of(DEPLOYMENT, "value: jdbc:postgresql://postgres:5432/keyhold",
                        "value: jdbc:postgresql://postgres:5432/keyhold?password=hunter2",
                        "value of KEYHOLD_STORAGE_DATABASE"),
                Arguments.of(DEPLOYMENT, "value: jdbc:postgresql://postgres:5432/keyhold",
                        "value: jdbc:sqlite:/var/lib/keyhold/keyhold.db", "KEYHOLD_STORAGE_DATABASE"),
                Arguments.of(DEPLOYMENT, "value: /etc/keyhold/postgres/password", "value: /etc/keyhold/db-password",
                        "mount holding KEYHOLD_STORAGE_DATABASE_PASSWORD_FILE"),
                Arguments.of(STATEFULSET, "- name: KEYHOLD_ACCESS_ADMINISTRATORS\n              value: kms-admin",
                        "- name: KEYHOLD_TLS_PRIVATE_KEY_PASSWORD\n              value: hunter2",
                        "KEYHOLD_TLS_PRIVATE_KEY_PASSWORD comes from a Secret"),
                Arguments.of(STATEFULSET, "name: KEYHOLD_LOGGING_FORMAT", "name: KEYHOLD_LOG_FORMAT",
                        "KEYHOLD_LOG_FORMAT is a setting of docs/configuration.md"),
                Arguments.of(STATEFULSET, "value: json\n", "value: 10001\n", "must be a string"),
                Arguments.of(SECRETS, "  tls.key: UExBQ0VIT0xERVI6IHRoZSBzZXJ2ZXIgcHJpdmF0ZSBrZXkgKFBFTSksIHNl"
                        + "ZSBkb2NzL2t1YmVybmV0ZXMubWQ=\n", "  tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCg==\n",
                        "Secret keyhold-tls: tls.key"),
                Arguments.of(DEPLOYMENT, "kind: PodDisruptionBudget", "kind PodDisruptionBudget", "line"),
                Arguments.of(STATEFULSET, "  name: keyhold\n", "  namespace: default\n", "metadata.name"));
    }

    @ParameterizedTest(name = "[{index}] {0}: {2}")
    @MethodSource("brokenManifests")
    void checksRefuseABrokenManifest(String file, String from, String to, String complaint) throws Exception {
        Map<String, String> files = new TreeMap<>();
        for (String name : List.of(STATEFULSET, DEPLOYMENT, SECRETS)) {
            files.put(name, Files.readString(MANIFESTS.resolve(name), StandardCharsets.UTF_8));
        }
        String text = files.get(file);
        assertThat(text).as("%s holds the text to break", file).contains(from);
        int at = text.indexOf(from);
        files.put(file, text.substring(0, at) + to + text.substring(at + from.length()));
        assertThatThrownBy(() -> {
            Manifests broken = load(files);
            CHECKS.forEach(check -> check.accept(broken));
        }).hasMessageContaining(complaint);
    }

    @Test
    void readsModesAsKubernetesDoesAndRefusesDuplicateKeys() {
        List<Map<String, Object>> docs = Yaml.documents("""
                # comment
                ---
                a: 1
                b:
                  - k: x
                    mode: 0440
                ---
                f: jdbc:postgresql://h:5432/db
                """, "test.yaml");
        assertThat(docs).hasSize(2);
        assertThat(docs.get(0)).containsEntry("a", 1L);
        assertThat(list(docs.get(0).get("b"), "b")).containsExactly(Map.of("k", "x", "mode", 288L));
        assertThat(docs.get(1)).containsExactly(Map.entry("f", "jdbc:postgresql://h:5432/db"));
        assertThatThrownBy(() -> Yaml.documents("a: 1\na: 2\n", "dup.yaml")).hasMessageContaining("dup.yaml")
                .hasMessageContaining("Duplicate field 'a'");
    }

    // ---------------------------------------------------------------------------------------------------
    // Helpers

    /** The container named keyhold. */
    static Map<String, Object> keyhold(Document w) {
        return w.containers().stream().filter(c -> "keyhold".equals(c.get("name"))).findFirst()
                .orElseGet(() -> fail("%s: no container named keyhold", w));
    }

    static List<Map<String, Object>> mounts(Document w, Map<String, Object> c) {
        return c.get("volumeMounts") == null ? List.of() : maps(c.get("volumeMounts"), w + " volumeMounts");
    }

    static List<Map<String, Object>> env(Document w, Map<String, Object> c) {
        return c.get("env") == null ? List.of() : maps(c.get("env"), w + " env");
    }

    /** The volume mounted at {@code path} in the keyhold container. */
    static Map<String, Object> mountedAt(Document w, String path) {
        return mounts(w, keyhold(w)).stream().filter(mt -> path.equals(mt.get("mountPath")))
                .map(mt -> w.volumes().get(mt.get("name"))).findFirst()
                .orElseGet(() -> fail("%s: nothing mounted at %s", w, path));
    }

    static String secretName(Map<String, Object> volume) {
        return volume == null || volume.get("secret") == null ? null
                : (String) map(volume.get("secret"), "secret").get("secretName");
    }

    /** A port given by number or by the name of one of the container's ports. */
    static long containerPort(Document w, Map<String, Object> c, Object port) {
        if (port instanceof String name) {
            return maps(c.get("ports"), w + " ports").stream().filter(p -> name.equals(p.get("name")))
                    .map(p -> number(p.get("containerPort"), "containerPort")).findFirst()
                    .orElseGet(() -> fail("%s: no container port named %s", w, name));
        }
        return number(port, w + " port");
    }

    static long number(Object value, String what) {
        assertThat(value).as("%s (a number)", what).isInstanceOf(Long.class);
        return (Long) value;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value, String what) {
        assertThat(value).as("%s (a mapping)", what).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value, String what) {
        assertThat(value).as("%s (a list)", what).isInstanceOf(List.class);
        return (List<Object>) value;
    }

    static List<Map<String, Object>> maps(Object value, String what) {
        List<Map<String, Object>> maps = new ArrayList<>();
        for (Object item : list(value, what)) {
            maps.add(map(item, what + " item"));
        }
        return maps;
    }

    /** The value at a path of mapping keys, or null when a key along it is missing. */
    static Object at(Map<String, Object> root, String... keys) {
        Object value = root;
        for (String key : keys) {
            if (!(value instanceof Map<?, ?> m)) {
                return null;
            }
            value = m.get(key);
        }
        return value;
    }

    /**
     * The documents of a manifest file, as Kubernetes' YAML 1.1 reader types them: integers as Long, a leading
     * 0 octal ({@code defaultMode: 0440} is 288); a key given twice is an error.
     */
    static final class Yaml {
        private static final com.fasterxml.jackson.dataformat.yaml.YAMLMapper MAPPER =
                com.fasterxml.jackson.dataformat.yaml.YAMLMapper.builder()
                        .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_LONG_FOR_INTS)
                        .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                        .build();

        static List<Map<String, Object>> documents(String text, String source) {
            List<Map<String, Object>> documents = new ArrayList<>();
            try (var values = MAPPER.readerFor(Object.class).readValues(text)) {
                while (values.hasNextValue()) {
                    Object document = values.nextValue();
                    if (document != null) {
                        documents.add(map(document, source + " document"));
                    }
                }
            } catch (java.io.IOException e) {
                throw new AssertionError(source + ": " + e.getMessage(), e);
            }
            return documents;
        }
    }
}
