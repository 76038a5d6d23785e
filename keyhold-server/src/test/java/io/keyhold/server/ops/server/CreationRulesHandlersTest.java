package io.keyhold.server.ops.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.auth.AccessPolicy;
import io.keyhold.server.dispatch.DispatcherFixture;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The Set Defaults, Set Constraints and Get Constraints handlers on their own, and {@link CreationRules}. */
class CreationRulesHandlersTest {
    private static final AccessPolicy ACCESS = new AccessPolicy(Set.of("admin"), Map.of());
    private final InMemoryObjectStore store = new InMemoryObjectStore();

    private OperationContext context(String who) {
        return new OperationContext(KmipVersion.V2_1, DispatcherFixture.context(who), Clock.systemUTC(),
                store, new OperationContext.BatchState(), null, null, ACCESS);
    }

    private List<KmipAttribute> defaults(int objectType) throws KmipException {
        return store.read(tx -> tx.objectDefaults(objectType));
    }

    private void setDefaults(int objectType, List<KmipAttribute> attributes) throws KmipException {
        store.write(tx -> {
            tx.putObjectDefaults(objectType, attributes, 0);
            return null;
        });
    }

    private void setConstraints(TtlvItem constraints) throws KmipException {
        store.write(tx -> {
            tx.putConstraints(constraints, 0);
            return null;
        });
    }

    private List<KmipAttribute> applyTo(int objectType, List<KmipAttribute> client, List<TtlvItem> derived)
            throws KmipException {
        return store.read(tx -> CreationRules.applyTo(tx, objectType, client, derived));
    }

    private static TtlvItem payload(TtlvItem... fields) {
        return TtlvItem.structure(Tag.REQUEST_PAYLOAD, fields);
    }

    private static TtlvItem group(String g) {
        return TtlvItem.text(Tag.OBJECT_GROUP, g);
    }

    private static TtlvItem length(int bits) {
        return TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, bits);
    }

    private static TtlvItem objectDefaults(ObjectType t, TtlvItem... values) {
        return TtlvItem.structure(Tag.OBJECT_DEFAULTS, TtlvItem.enumeration(Tag.OBJECT_TYPE, t.value()),
                TtlvItem.structure(Tag.ATTRIBUTES, values));
    }

    private static TtlvItem objectTypes(ObjectType... types) {
        List<TtlvItem> values = new java.util.ArrayList<>();
        for (ObjectType t : types) {
            values.add(TtlvItem.enumeration(Tag.OBJECT_TYPE, t.value()));
        }
        return TtlvItem.structure(Tag.OBJECT_TYPES, values);
    }

    private static void fails(ThrowingCallable call, ResultReason reason, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(KmipException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessage(message);
    }

    @Test
    void setDefaults_handler() throws KmipException {
        SetDefaultsHandler h = new SetDefaultsHandler();
        assertThat(h.operation()).isEqualTo(Operation.SET_DEFAULTS);
        TtlvItem r = h.handle(context("admin"), payload(TtlvItem.structure(Tag.DEFAULTS_INFORMATION,
                objectDefaults(ObjectType.SECRET_DATA, group("a"), group("b")))));
        assertThat(r).isEqualTo(TtlvItem.structure(Tag.RESPONSE_PAYLOAD));
        assertThat(defaults(ObjectType.SECRET_DATA.value())).containsExactly(
                new KmipAttribute("Object Group", 0, group("a")), new KmipAttribute("Object Group", 1, group("b")));
        fails(() -> h.handle(context("client1"), payload()), ResultReason.PERMISSION_DENIED,
                "only an administrator may set the server's Object Defaults");
        fails(() -> h.handle(context("admin"), payload(TtlvItem.structure(Tag.DEFAULTS_INFORMATION,
                TtlvItem.structure(Tag.OBJECT_DEFAULTS, TtlvItem.structure(Tag.ATTRIBUTES, group("a")))))),
                ResultReason.INVALID_MESSAGE, "Object Defaults has no Object Type or Object Types");
        fails(() -> h.handle(context("admin"), payload(TtlvItem.structure(Tag.DEFAULTS_INFORMATION,
                TtlvItem.structure(Tag.OBJECT_DEFAULTS, objectTypes(), TtlvItem.structure(Tag.ATTRIBUTES, group("a")))))),
                ResultReason.INVALID_FIELD, "Object Types names no Object Type");
        fails(() -> h.handle(context("admin"), payload(TtlvItem.structure(Tag.DEFAULTS_INFORMATION,
                TtlvItem.structure(Tag.OBJECT_DEFAULTS, TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SECRET_DATA.value()),
                        objectTypes(ObjectType.SYMMETRIC_KEY), TtlvItem.structure(Tag.ATTRIBUTES, group("a")))))),
                ResultReason.INVALID_FIELD, "Object Defaults gives both Object Type and Object Types");
        fails(() -> h.handle(context("admin"), payload(TtlvItem.structure(Tag.DEFAULTS_INFORMATION,
                TtlvItem.structure(Tag.OBJECT_DEFAULTS, objectTypes(ObjectType.SECRET_DATA),
                        TtlvItem.structure(Tag.ATTRIBUTES, group("a")),
                        TtlvItem.structure(Tag.OBJECT_GROUPS, group("only-these")))))),
                ResultReason.FEATURE_NOT_SUPPORTED, "Object Defaults for some Object Groups only are not supported:"
                        + " defaults apply to every object of their Object Type");
        fails(() -> h.handle(context("admin"), payload(TtlvItem.structure(Tag.DEFAULTS_INFORMATION,
                objectDefaults(ObjectType.SECRET_DATA, group("a")), TtlvItem.structure(Tag.OBJECT_DEFAULTS,
                        objectTypes(ObjectType.SYMMETRIC_KEY, ObjectType.SECRET_DATA), TtlvItem.structure(Tag.ATTRIBUTES))))),
                ResultReason.INVALID_FIELD, "Object Defaults name Secret Data more than once");
        fails(() -> h.handle(context("admin"), payload(TtlvItem.structure(Tag.DEFAULTS_INFORMATION,
                objectDefaults(ObjectType.SYMMETRIC_KEY, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "u"))))),
                ResultReason.INVALID_FIELD, "Unique Identifier cannot have a default");
        fails(() -> h.handle(context("admin"), payload(TtlvItem.structure(Tag.DEFAULTS_INFORMATION,
                TtlvItem.structure(Tag.OBJECT_DEFAULTS, TtlvItem.enumeration(Tag.OBJECT_TYPE, 0x77),
                        TtlvItem.structure(Tag.ATTRIBUTES))))),
                ResultReason.INVALID_FIELD, "Object Type 0x00000077 does not exist in KMIP 2.1");
        assertThat(defaults(ObjectType.SECRET_DATA.value())).as("unchanged by the failures").hasSize(2);
    }

    @Test
    void setDefaults_theSetReplacesEveryTypesDefaults_andNoneRemovesThemAll() throws KmipException {
        SetDefaultsHandler h = new SetDefaultsHandler();
        h.handle(context("admin"), payload(TtlvItem.structure(Tag.DEFAULTS_INFORMATION,
                TtlvItem.structure(Tag.OBJECT_DEFAULTS, objectTypes(ObjectType.SYMMETRIC_KEY, ObjectType.SECRET_DATA),
                        TtlvItem.structure(Tag.ATTRIBUTES, group("both"))))));
        assertThat(defaults(ObjectType.SYMMETRIC_KEY.value())).containsExactly(new KmipAttribute("Object Group", 0, group("both")));
        assertThat(defaults(ObjectType.SECRET_DATA.value())).containsExactly(new KmipAttribute("Object Group", 0, group("both")));

        h.handle(context("admin"), payload(TtlvItem.structure(Tag.DEFAULTS_INFORMATION,
                objectDefaults(ObjectType.SECRET_DATA, group("secrets")))));
        assertThat(defaults(ObjectType.SECRET_DATA.value())).containsExactly(new KmipAttribute("Object Group", 0, group("secrets")));
        assertThat(defaults(ObjectType.SYMMETRIC_KEY.value())).as("a type the new set does not name").isEmpty();

        h.handle(context("admin"), payload(TtlvItem.structure(Tag.DEFAULTS_INFORMATION)));
        assertThat(defaults(ObjectType.SECRET_DATA.value())).as("an empty set").isEmpty();

        h.handle(context("admin"), payload(TtlvItem.structure(Tag.DEFAULTS_INFORMATION,
                objectDefaults(ObjectType.SECRET_DATA, group("again")))));
        h.handle(context("admin"), payload());
        assertThat(defaults(ObjectType.SECRET_DATA.value())).as("no Defaults Information removes them all").isEmpty();
    }

    @Test
    void constraints_ofObjectTypes_andOfObjectGroups() throws KmipException {
        SetConstraintsHandler set = new SetConstraintsHandler();
        int key = ObjectType.SYMMETRIC_KEY.value();
        int secret = ObjectType.SECRET_DATA.value();
        set.handle(context("admin"), payload(TtlvItem.structure(Tag.CONSTRAINTS,
                TtlvItem.structure(Tag.CONSTRAINT, objectTypes(ObjectType.SYMMETRIC_KEY, ObjectType.SECRET_DATA),
                        TtlvItem.structure(Tag.ATTRIBUTES, length(256))),
                TtlvItem.structure(Tag.CONSTRAINT, TtlvItem.structure(Tag.OBJECT_GROUPS, group("strict")),
                        TtlvItem.structure(Tag.ATTRIBUTES, length(128))))));
        fails(() -> applyTo(secret, List.of(), List.of(length(128))), ResultReason.CONSTRAINT_VIOLATION,
                "the value of Cryptographic Length is not one a constraint allows for Secret Data objects");
        assertThat(applyTo(ObjectType.CERTIFICATE.value(), List.of(), List.of(length(128)))).as("a type not named").isEmpty();
        assertThat(applyTo(ObjectType.CERTIFICATE.value(), List.of(new KmipAttribute("Object Group", 0, group("other"))),
                List.of(length(512)))).as("outside the group").hasSize(1);
        fails(() -> applyTo(ObjectType.CERTIFICATE.value(), List.of(new KmipAttribute("Object Group", 0, group("strict"))),
                List.of(length(512))), ResultReason.CONSTRAINT_VIOLATION,
                "the value of Cryptographic Length is not one a constraint allows");
        assertThat(applyTo(key, List.of(), List.of(length(256)))).isEmpty();

        fails(() -> set.handle(context("admin"), payload(TtlvItem.structure(Tag.CONSTRAINTS, TtlvItem.structure(Tag.CONSTRAINT,
                TtlvItem.structure(Tag.OBJECT_TYPES, length(1)), TtlvItem.structure(Tag.ATTRIBUTES, length(256)))))),
                ResultReason.INVALID_FIELD, "Object Types holds Cryptographic Length (expected: Object Type)");
        fails(() -> set.handle(context("admin"), payload(TtlvItem.structure(Tag.CONSTRAINTS, TtlvItem.structure(Tag.CONSTRAINT,
                TtlvItem.structure(Tag.OBJECT_GROUPS, length(1)), TtlvItem.structure(Tag.ATTRIBUTES, length(256)))))),
                ResultReason.INVALID_FIELD, "Object Groups holds Cryptographic Length (expected: Object Group)");
    }

    @Test
    void setAndGetConstraints_handlers() throws KmipException {
        SetConstraintsHandler set = new SetConstraintsHandler();
        GetConstraintsHandler get = new GetConstraintsHandler();
        assertThat(get.handle(context("client1"), payload()))
                .isEqualTo(TtlvItem.structure(Tag.RESPONSE_PAYLOAD, TtlvItem.structure(Tag.CONSTRAINTS)));
        TtlvItem constraints = TtlvItem.structure(Tag.CONSTRAINTS, TtlvItem.structure(Tag.CONSTRAINT,
                TtlvItem.structure(Tag.ATTRIBUTES, length(256))));
        assertThat(set.handle(context("admin"), payload(constraints))).isEqualTo(TtlvItem.structure(Tag.RESPONSE_PAYLOAD));
        assertThat(get.handle(context("client1"), payload())).isEqualTo(TtlvItem.structure(Tag.RESPONSE_PAYLOAD, constraints));
        fails(() -> set.handle(context("client1"), payload(constraints)), ResultReason.PERMISSION_DENIED,
                "only an administrator may set the server's Constraints");
        fails(() -> set.handle(context("admin"), payload()), ResultReason.INVALID_MESSAGE, "Constraints is missing");
        fails(() -> set.handle(context("admin"), payload(TtlvItem.structure(Tag.CONSTRAINTS,
                TtlvItem.structure(Tag.CONSTRAINT)))), ResultReason.INVALID_FIELD, "a Constraint has no Attributes");
        fails(() -> set.handle(context("admin"), payload(TtlvItem.structure(Tag.CONSTRAINTS, TtlvItem.structure(Tag.CONSTRAINT,
                TtlvItem.structure(Tag.ATTRIBUTES))))), ResultReason.INVALID_FIELD, "a Constraint allows no attribute value");
        fails(() -> set.handle(context("admin"), payload(TtlvItem.structure(Tag.CONSTRAINTS, length(1)))),
                ResultReason.INVALID_FIELD, "Constraints holds Cryptographic Length (expected: Constraint)");
        assertThat(get.handle(context("client1"), payload())).as("unchanged by the failures")
                .isEqualTo(TtlvItem.structure(Tag.RESPONSE_PAYLOAD, constraints));
    }

    @Test
    void apply_addsDefaultsTheRequestAndTheObjectDoNotGive() throws KmipException {
        int key = ObjectType.SYMMETRIC_KEY.value();
        setDefaults(key, List.of(new KmipAttribute("Object Group", 0, group("g1")),
                new KmipAttribute("Object Group", 1, group("g2")),
                new KmipAttribute("Cryptographic Length", 0, length(256))));
        assertThat(applyTo(key, List.of(), List.of())).containsExactly(
                new KmipAttribute("Object Group", 0, group("g1")), new KmipAttribute("Object Group", 1, group("g2")),
                new KmipAttribute("Cryptographic Length", 0, length(256)));
        KmipAttribute own = new KmipAttribute("Object Group", 0, group("mine"));
        assertThat(applyTo(key, List.of(own), List.of(length(128)))).as("given by the client, derived by the server")
                .containsExactly(own);
        assertThat(applyTo(ObjectType.SECRET_DATA.value(), List.of(own), List.of())).containsExactly(own);
    }

    @Test
    void apply_checksTheConstraintsOfTheType_andOfEveryType() throws KmipException {
        int key = ObjectType.SYMMETRIC_KEY.value();
        setConstraints(TtlvItem.structure(Tag.CONSTRAINTS,
                TtlvItem.structure(Tag.CONSTRAINT, TtlvItem.enumeration(Tag.OBJECT_TYPE, key),
                        TtlvItem.structure(Tag.ATTRIBUTES, length(256))),
                TtlvItem.structure(Tag.CONSTRAINT, TtlvItem.structure(Tag.ATTRIBUTES, group("ok")))));
        assertThat(applyTo(key, List.of(), List.of(length(256)))).isEmpty();
        assertThat(applyTo(ObjectType.SECRET_DATA.value(), List.of(), List.of(length(128)))).isEmpty();
        fails(() -> applyTo(key, List.of(), List.of(length(128))), ResultReason.CONSTRAINT_VIOLATION,
                "the value of Cryptographic Length is not one a constraint allows for Symmetric Key objects");
        fails(() -> applyTo(ObjectType.SECRET_DATA.value(), List.of(new KmipAttribute("Object Group", 0, group("no"))),
                List.of()), ResultReason.CONSTRAINT_VIOLATION, "the value of Object Group is not one a constraint allows");
    }

    @Test
    void apply_outsideTheDispatcher_leavesTheAttributesAlone() throws KmipException {
        RequestContext bare = DispatcherFixture.context("client1");
        assertThat(CreationRules.of(bare)).isEmpty();
        KmipAttribute own = new KmipAttribute("Object Group", 0, group("mine"));
        OperationContext c = new OperationContext(KmipVersion.V2_1, bare, Clock.systemUTC(), new InMemoryObjectStore(),
                new OperationContext.BatchState(), null);
        List<KmipAttribute> applied = c.read(tx -> CreationRules.apply(c, tx, ObjectType.SYMMETRIC_KEY.value(),
                List.of(own), List.of()));
        assertThat(applied).containsExactly(own);
    }
}
