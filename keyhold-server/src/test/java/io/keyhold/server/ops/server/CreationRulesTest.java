package io.keyhold.server.ops.server;

import static io.keyhold.server.dispatch.DispatcherFixture.context;
import static io.keyhold.server.dispatch.DispatcherFixture.header;
import static io.keyhold.server.dispatch.DispatcherFixture.item;
import static io.keyhold.server.dispatch.DispatcherFixture.only;
import static io.keyhold.server.dispatch.DispatcherFixture.reason;
import static io.keyhold.server.dispatch.DispatcherFixture.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.auth.AccessPolicy;
import io.keyhold.server.auth.PasswordAuthentication;
import io.keyhold.server.dispatch.DispatcherFixture;
import io.keyhold.server.dispatch.DispatcherSettings;
import io.keyhold.server.dispatch.KmipDispatcher;
import io.keyhold.server.dispatch.RequestContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.ops.keys.KeyOperations;
import io.keyhold.server.ops.object.ObjectOperations;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Set Defaults, Set Constraints and Get Constraints through the dispatcher, and their effect on Create,
 * Create Key Pair and Register.
 */
class CreationRulesTest {
    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final KmipDispatcher dispatcher;
    private final RequestContext admin = context("admin");
    private final RequestContext client = context("client1");

    CreationRulesTest() {
        List<OperationHandler> handlers = new ArrayList<>(ObjectOperations.handlers(new SecureRandom()));
        handlers.addAll(KeyOperations.handlers(new SecureRandom()));
        dispatcher = new KmipDispatcher(store, Clock.fixed(Instant.ofEpochSecond(DispatcherFixture.NOW), ZoneOffset.UTC),
                handlers, DispatcherSettings.defaults(), new AccessPolicy(Set.of("admin"), Map.of()),
                PasswordAuthentication.disabled());
    }

    @AfterEach
    void close() {
        dispatcher.close();
    }

    private ResponseBatchItem send(RequestContext who, KmipVersion v, Operation op, TtlvItem... payload) {
        return only(DispatcherFixture.decode(dispatcher.process(DispatcherFixture.encode(header(v, 1),
                List.of(item(op, payload))), who)));
    }

    private ResponseBatchItem send(RequestContext who, Operation op, TtlvItem... payload) {
        return send(who, KmipVersion.V2_1, op, payload);
    }

    private static TtlvItem attributes(TtlvItem... values) {
        return TtlvItem.structure(Tag.ATTRIBUTES, values);
    }

    private static TtlvItem objectType(ObjectType t) {
        return TtlvItem.enumeration(Tag.OBJECT_TYPE, t.value());
    }

    private static TtlvItem objectDefaults(ObjectType t, TtlvItem... values) {
        return TtlvItem.structure(Tag.OBJECT_DEFAULTS, objectType(t), attributes(values));
    }

    private static TtlvItem defaultsInformation(TtlvItem... objectDefaults) {
        return TtlvItem.structure(Tag.DEFAULTS_INFORMATION, objectDefaults);
    }

    private static TtlvItem mask(int m) {
        return TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, m);
    }

    private static TtlvItem aes() {
        return TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.AES.value());
    }

    private static TtlvItem length(int bits) {
        return TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, bits);
    }

    private static TtlvItem group(String g) {
        return TtlvItem.text(Tag.OBJECT_GROUP, g);
    }

    private ResponseBatchItem create(TtlvItem... attrs) {
        return send(client, Operation.CREATE, objectType(ObjectType.SYMMETRIC_KEY), attributes(attrs));
    }

    private StoredObject stored(ResponseBatchItem created) {
        String uid = created.payload().child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        try {
            return store.read(tx -> tx.get(uid)).orElseThrow();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<TtlvItem> values(StoredObject o, String name) {
        return o.attributes(name).stream().map(KmipAttribute::value).toList();
    }

    // --- Set Defaults ------------------------------------------------------------------------------------

    @Test
    void setDefaults_appliesToCreateWhereTheClientGaveNoValue() {
        ResponseBatchItem set = send(admin, Operation.SET_DEFAULTS, defaultsInformation(
                objectDefaults(ObjectType.SYMMETRIC_KEY, mask(4 | 8), group("defaulted"), length(256))));
        assertThat(status(set)).isEqualTo(ResultStatus.SUCCESS);
        assertThat(set.payload().children()).isEmpty();

        StoredObject withDefaults = stored(create(aes()));
        assertThat(values(withDefaults, "Cryptographic Usage Mask")).containsExactly(mask(12));
        assertThat(values(withDefaults, "Object Group")).containsExactly(group("defaulted"));
        assertThat(values(withDefaults, "Cryptographic Length")).containsExactly(length(256));

        StoredObject own = stored(create(aes(), length(128), mask(4), group("mine")));
        assertThat(values(own, "Cryptographic Usage Mask")).containsExactly(mask(4));
        assertThat(values(own, "Object Group")).containsExactly(group("mine"));
        assertThat(values(own, "Cryptographic Length")).containsExactly(length(128));
    }

    @Test
    void setDefaults_theNewSetReplacesTheOld_andNoDefaultsInformationRemovesThemAll() {
        send(admin, Operation.SET_DEFAULTS, defaultsInformation(objectDefaults(ObjectType.SYMMETRIC_KEY, group("a")),
                objectDefaults(ObjectType.SECRET_DATA, group("s"))));
        assertThat(values(stored(create(aes(), length(128))), "Object Group")).containsExactly(group("a"));
        send(admin, Operation.SET_DEFAULTS, defaultsInformation(objectDefaults(ObjectType.SECRET_DATA, group("t"))));
        assertThat(values(stored(create(aes(), length(128))), "Object Group")).as("a type the new set does not name")
                .isEmpty();
        send(admin, Operation.SET_DEFAULTS, defaultsInformation(objectDefaults(ObjectType.SYMMETRIC_KEY, group("b"))));
        assertThat(status(send(admin, Operation.SET_DEFAULTS))).isEqualTo(ResultStatus.SUCCESS);
        assertThat(values(stored(create(aes(), length(128))), "Object Group")).as("after a request without Defaults"
                + " Information").isEmpty();
    }

    @Test
    void queryDefaultsInformation_reportsTheObjectDefaultsSet_andNothingWhenThereAreNone() {
        TtlvItem function = TtlvItem.enumeration(Tag.QUERY_FUNCTION, io.keyhold.protocol.spec.QueryFunction.QUERY_DEFAULTS_INFORMATION.value());
        ResponseBatchItem none = send(client, Operation.QUERY, function);
        assertThat(status(none)).isEqualTo(ResultStatus.SUCCESS);
        assertThat(none.payload().child(Tag.DEFAULTS_INFORMATION)).isEmpty();

        send(admin, Operation.SET_DEFAULTS, defaultsInformation(objectDefaults(ObjectType.SECRET_DATA, group("s")),
                objectDefaults(ObjectType.SYMMETRIC_KEY, group("k1"), group("k2"), length(256))));
        ResponseBatchItem some = send(client, Operation.QUERY, function);
        assertThat(some.payload().children()).containsExactly(defaultsInformation(
                objectDefaults(ObjectType.SYMMETRIC_KEY, group("k1"), group("k2"), length(256)),
                objectDefaults(ObjectType.SECRET_DATA, group("s"))));

        assertThat(send(client, KmipVersion.V2_0, Operation.QUERY, function).payload().children())
                .as("KMIP 2.0 has Query Defaults Information too").isEqualTo(some.payload().children());
        assertThat(reason(send(client, KmipVersion.V1_4, Operation.QUERY, function)))
                .as("KMIP 1.4 has no such Query Function").isEqualTo(ResultReason.INVALID_FIELD);
    }

    @Test
    void setDefaults_byAClientThatIsNoAdministrator_isPermissionDenied_andChangesNothing() {
        ResponseBatchItem r = send(client, Operation.SET_DEFAULTS, defaultsInformation(
                objectDefaults(ObjectType.SYMMETRIC_KEY, group("x"))));
        assertThat(reason(r)).isEqualTo(ResultReason.PERMISSION_DENIED);
        assertThat(values(stored(create(aes(), length(128))), "Object Group")).isEmpty();
    }

    @Test
    void setDefaults_badInput_failsWithTheExactReason_andChangesNothing() {
        assertThat(reason(send(admin, Operation.SET_DEFAULTS, defaultsInformation(TtlvItem.structure(Tag.OBJECT_DEFAULTS,
                attributes(group("x")))))))
                .as("Object Type missing").isEqualTo(ResultReason.INVALID_MESSAGE);
        assertThat(reason(send(admin, Operation.SET_DEFAULTS, defaultsInformation(TtlvItem.structure(Tag.OBJECT_DEFAULTS,
                objectType(ObjectType.SYMMETRIC_KEY))))))
                .as("Attributes missing").isEqualTo(ResultReason.INVALID_MESSAGE);
        assertThat(reason(send(admin, Operation.SET_DEFAULTS, defaultsInformation(TtlvItem.structure(Tag.OBJECT_DEFAULTS,
                TtlvItem.enumeration(Tag.OBJECT_TYPE, 0x77), attributes(group("x")))))))
                .as("unknown Object Type").isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(reason(send(admin, Operation.SET_DEFAULTS, defaultsInformation(
                objectDefaults(ObjectType.SYMMETRIC_KEY, group("a")), objectDefaults(ObjectType.SYMMETRIC_KEY, group("b"))))))
                .as("type named twice").isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(reason(send(admin, Operation.SET_DEFAULTS, defaultsInformation(
                objectDefaults(ObjectType.SYMMETRIC_KEY, mask(4), mask(8))))))
                .as("single-valued twice").isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(reason(send(admin, Operation.SET_DEFAULTS, defaultsInformation(objectDefaults(ObjectType.SYMMETRIC_KEY,
                group("ok"), TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "fixed"))))))
                .as("identifier").isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(reason(send(admin, Operation.SET_DEFAULTS, defaultsInformation(objectDefaults(ObjectType.SYMMETRIC_KEY,
                group("ok"), TtlvItem.dateTime(Tag.INITIAL_DATE, DispatcherFixture.NOW))))))
                .as("server-only attribute").isEqualTo(ResultReason.ATTRIBUTE_READ_ONLY);
        assertThat(values(stored(create(aes(), length(128))), "Object Group")).as("nothing was set").isEmpty();
    }

    @Test
    void setDefaults_inKmip20_doesNotExist() {
        ResponseBatchItem r = send(admin, KmipVersion.V2_0, Operation.SET_DEFAULTS, defaultsInformation(
                objectDefaults(ObjectType.SYMMETRIC_KEY, group("x"))));
        assertThat(reason(r)).isEqualTo(ResultReason.OPERATION_NOT_SUPPORTED);
        assertThat(r.resultMessage()).isEqualTo("operation Set Defaults does not exist in KMIP 2.0");
    }

    @Test
    void setDefaults_applyToEachKeyOfAPairByItsType() {
        send(admin, Operation.SET_DEFAULTS, defaultsInformation(objectDefaults(ObjectType.PRIVATE_KEY, group("private"))));
        ResponseBatchItem r = send(client, Operation.CREATE_KEY_PAIR,
                TtlvItem.structure(Tag.COMMON_ATTRIBUTES, TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM,
                        CryptographicAlgorithm.RSA.value()), length(2048)),
                TtlvItem.structure(Tag.PRIVATE_KEY_ATTRIBUTES, mask(1)),
                TtlvItem.structure(Tag.PUBLIC_KEY_ATTRIBUTES, mask(2)));
        assertThat(status(r)).as(r.resultMessage()).isEqualTo(ResultStatus.SUCCESS);
        String privateId = r.payload().child(Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER).orElseThrow().textValue();
        String publicId = r.payload().child(Tag.PUBLIC_KEY_UNIQUE_IDENTIFIER).orElseThrow().textValue();
        try {
            assertThat(values(store.read(tx -> tx.get(privateId)).orElseThrow(), "Object Group")).containsExactly(group("private"));
            assertThat(values(store.read(tx -> tx.get(publicId)).orElseThrow(), "Object Group")).isEmpty();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    // --- Set Constraints / Get Constraints ---------------------------------------------------------------

    private static TtlvItem constraint(ObjectType type, TtlvItem... allowed) {
        List<TtlvItem> c = new ArrayList<>();
        if (type != null) {
            c.add(objectType(type));
        }
        c.add(attributes(allowed));
        return TtlvItem.structure(Tag.CONSTRAINT, c);
    }

    private static TtlvItem constraints(TtlvItem... c) {
        return TtlvItem.structure(Tag.CONSTRAINTS, c);
    }

    @Test
    void getConstraints_beforeAnyWereSet_isEmpty() {
        ResponseBatchItem r = send(client, Operation.GET_CONSTRAINTS);
        assertThat(r.payload().children()).containsExactly(constraints());
    }

    @Test
    void setConstraints_areReturnedByGetConstraints_andEnforcedAtCreate() {
        TtlvItem set = constraints(constraint(ObjectType.SYMMETRIC_KEY, length(256), length(192)),
                constraint(null, group("allowed"), group("also")));
        ResponseBatchItem r = send(admin, Operation.SET_CONSTRAINTS, set);
        assertThat(status(r)).isEqualTo(ResultStatus.SUCCESS);
        assertThat(r.payload().children()).isEmpty();
        assertThat(send(client, Operation.GET_CONSTRAINTS).payload().children()).containsExactly(set);

        assertThat(status(create(aes(), length(256)))).isEqualTo(ResultStatus.SUCCESS);
        assertThat(status(create(aes(), length(192), group("also")))).isEqualTo(ResultStatus.SUCCESS);
        ResponseBatchItem tooShort = create(aes(), length(128));
        assertThat(reason(tooShort)).isEqualTo(ResultReason.CONSTRAINT_VIOLATION);
        assertThat(tooShort.resultMessage()).isEqualTo(
                "the value of Cryptographic Length is not one a constraint allows for Symmetric Key objects");
        assertThat(reason(create(aes(), length(256), group("other")))).isEqualTo(ResultReason.CONSTRAINT_VIOLATION);
    }

    @Test
    void constraints_applyToDefaults_andToWhatRegisterReadsFromTheKey() {
        send(admin, Operation.SET_CONSTRAINTS, constraints(constraint(ObjectType.SYMMETRIC_KEY, length(256))));
        send(admin, Operation.SET_DEFAULTS, defaultsInformation(objectDefaults(ObjectType.SYMMETRIC_KEY, length(128))));
        assertThat(reason(create(aes()))).as("defaulted length").isEqualTo(ResultReason.CONSTRAINT_VIOLATION);

        TtlvItem key128 = TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.RAW.value()),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, new byte[16])), aes(), length(128)));
        ResponseBatchItem registered = send(client, Operation.REGISTER, objectType(ObjectType.SYMMETRIC_KEY), attributes(),
                key128);
        assertThat(reason(registered)).isEqualTo(ResultReason.CONSTRAINT_VIOLATION);
        ResponseBatchItem secret = send(client, Operation.REGISTER, objectType(ObjectType.SECRET_DATA), attributes(),
                TtlvItem.structure(Tag.SECRET_DATA, TtlvItem.enumeration(Tag.SECRET_DATA_TYPE, 1),
                        TtlvItem.structure(Tag.KEY_BLOCK, TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.OPAQUE.value()),
                                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, new byte[] {1, 2, 3})))));
        assertThat(status(secret)).as("other types are not constrained: " + secret.resultMessage())
                .isEqualTo(ResultStatus.SUCCESS);
    }

    @Test
    void setConstraints_emptyStructure_removesThem() {
        send(admin, Operation.SET_CONSTRAINTS, constraints(constraint(ObjectType.SYMMETRIC_KEY, length(256))));
        send(admin, Operation.SET_CONSTRAINTS, constraints());
        assertThat(status(create(aes(), length(128)))).isEqualTo(ResultStatus.SUCCESS);
        assertThat(send(client, Operation.GET_CONSTRAINTS).payload().children()).containsExactly(constraints());
    }

    @Test
    void setConstraints_byAClientThatIsNoAdministrator_isPermissionDenied() {
        assertThat(reason(send(client, Operation.SET_CONSTRAINTS, constraints(constraint(null, length(256))))))
                .isEqualTo(ResultReason.PERMISSION_DENIED);
        assertThat(status(create(aes(), length(128)))).isEqualTo(ResultStatus.SUCCESS);
    }

    @Test
    void setConstraints_badInput_failsWithTheExactReason_andChangesNothing() {
        assertThat(reason(send(admin, Operation.SET_CONSTRAINTS))).isEqualTo(ResultReason.INVALID_MESSAGE);
        assertThat(reason(send(admin, Operation.SET_CONSTRAINTS, constraints(TtlvItem.structure(Tag.CONSTRAINT,
                objectType(ObjectType.SYMMETRIC_KEY)))))).as("no Attributes").isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(reason(send(admin, Operation.SET_CONSTRAINTS, constraints(constraint(ObjectType.SYMMETRIC_KEY)))))
                .as("no value").isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(reason(send(admin, Operation.SET_CONSTRAINTS, TtlvItem.structure(Tag.CONSTRAINTS, length(256)))))
                .as("not a Constraint").isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(reason(send(admin, Operation.SET_CONSTRAINTS, constraints(TtlvItem.structure(Tag.CONSTRAINT,
                TtlvItem.enumeration(Tag.OBJECT_TYPE, 0x77), attributes(length(256)))))))
                .as("unknown Object Type").isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(send(client, Operation.GET_CONSTRAINTS).payload().children()).containsExactly(constraints());
    }

    @Test
    void constraintOperations_inKmip20_doNotExist() {
        assertThat(reason(send(admin, KmipVersion.V2_0, Operation.SET_CONSTRAINTS, constraints())))
                .isEqualTo(ResultReason.OPERATION_NOT_SUPPORTED);
        assertThat(reason(send(client, KmipVersion.V2_0, Operation.GET_CONSTRAINTS)))
                .isEqualTo(ResultReason.OPERATION_NOT_SUPPORTED);
    }
}
