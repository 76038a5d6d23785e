package io.keyhold.server.ops.object;

import static io.keyhold.server.ops.object.Fixture.payload;
import static io.keyhold.server.ops.object.Fixture.uid;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LocateHandlerTest {

    static Stream<KmipVersion> versions() {
        return Stream.of(KmipVersion.V1_0, KmipVersion.V1_2, KmipVersion.V1_4, KmipVersion.V2_0, KmipVersion.V2_1);
    }

    private static List<String> ids(TtlvItem response) {
        List<String> out = new ArrayList<>();
        for (TtlvItem c : response.childrenWith(Tag.UNIQUE_IDENTIFIER)) {
            out.add(c.textValue());
        }
        return out;
    }

    private static TtlvItem locate(Fixture f, List<KmipAttribute> criteria, TtlvItem... header) throws Exception {
        List<TtlvItem> c = new ArrayList<>(List.of(header));
        c.addAll(f.criteria(criteria));
        return f.run(Operation.LOCATE, payload(c));
    }

    private static KmipAttribute attr(TtlvItem value) {
        return KmipAttribute.of(value);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void locate_pagesOf16_coverEveryObjectOnceAndEndWithAnEmptyPage(KmipVersion version) throws Exception {
        Fixture f = new Fixture(version);
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            created.add(f.createAes());
        }
        List<String> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (int offset = 0; ; offset += 16) {
            TtlvItem page = locate(f, List.of(attr(Fixture.objectType(ObjectType.SYMMETRIC_KEY))),
                    TtlvItem.integer(Tag.MAXIMUM_ITEMS, 16), TtlvItem.integer(Tag.OFFSET_ITEMS, offset));
            List<String> ids = ids(page);
            sizes.add(ids.size());
            boolean counted = version.compareTo(KmipVersion.V1_3) >= 0;
            assertThat(page.child(Tag.LOCATED_ITEMS).isPresent()).isEqualTo(counted);
            if (counted) {
                assertThat(page.children().get(0).tag()).isEqualTo(Tag.LOCATED_ITEMS);
                assertThat(page.children().get(0).intValue()).isEqualTo(40);
            }
            if (ids.isEmpty()) {
                break;
            }
            seen.addAll(ids);
        }
        assertThat(sizes).containsExactly(16, 16, 8, 0);
        assertThat(seen).containsExactlyElementsOf(created);
    }

    @Test
    void locate_withoutPaging_answersOnlyIdentifiers_andSetsThePlaceholder() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_4);
        String a = f.createAes(Fixture.name("alpha"));
        f.createAes(Fixture.name("beta"));
        f.batch = new io.keyhold.server.ops.OperationContext.BatchState();
        TtlvItem response = locate(f, List.of(attr(Fixture.name("alpha"))));
        assertThat(response.children()).extracting(TtlvItem::tag).containsExactly(Tag.UNIQUE_IDENTIFIER);
        assertThat(ids(response)).containsExactly(a);
        assertThat(f.context().idPlaceholder()).contains(a);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void locate_byNameGroupAndCustomAttribute(KmipVersion version) throws Exception {
        Fixture f = new Fixture(version);
        String a = f.createAes(Fixture.name("alpha"), TtlvItem.text(Tag.OBJECT_GROUP, "mysql"));
        String b = f.createAes(Fixture.name("beta"), TtlvItem.text(Tag.OBJECT_GROUP, "mysql"));
        String c = f.createAes(Fixture.name("gamma"));
        assertThat(ids(locate(f, List.of(attr(Fixture.name("beta")))))).containsExactly(b);
        assertThat(ids(locate(f, List.of(attr(TtlvItem.text(Tag.OBJECT_GROUP, "mysql")))))).containsExactly(a, b);
        assertThat(ids(locate(f, List.of(attr(Fixture.objectType(ObjectType.SYMMETRIC_KEY)),
                attr(TtlvItem.text(Tag.OBJECT_GROUP, "mysql")), attr(Fixture.name("alpha")))))).containsExactly(a);
        assertThat(ids(locate(f, List.of()))).containsExactly(a, b, c);
        assertThat(ids(locate(f, List.of(attr(Fixture.objectType(ObjectType.SECRET_DATA)))))).isEmpty();

        String tagged = f.register(ObjectType.SYMMETRIC_KEY, Fixture.rawKey(new byte[16],
                io.keyhold.protocol.spec.CryptographicAlgorithm.AES, 128));
        f.run(Operation.GET, payload(uid(tagged)));
        Fixture g = new Fixture(version);
        String custom = g.run(Operation.CREATE, payload(Fixture.objectType(ObjectType.SYMMETRIC_KEY), g.attributes(List.of(
                attr(Fixture.algorithm(io.keyhold.protocol.spec.CryptographicAlgorithm.AES)), attr(Fixture.length(128)),
                Fixture.custom("x-Department", "ops"))))).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        g.createAes();
        assertThat(ids(locate(g, List.of(Fixture.custom("x-Department", "ops"))))).containsExactly(custom);
        assertThat(ids(locate(g, List.of(Fixture.custom("x-Department", "dev"))))).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("versions")
    void locate_dateGivenTwice_isAnInclusiveRange(KmipVersion version) throws Exception {
        Fixture f = new Fixture(version);
        String first = f.createAes();
        f.clock.advance(100);
        String second = f.createAes();
        f.clock.advance(100);
        String third = f.createAes();
        long t0 = Fixture.T0;
        assertThat(ids(locate(f, List.of(attr(TtlvItem.dateTime(Tag.INITIAL_DATE, t0 + 100)),
                attr(TtlvItem.dateTime(Tag.INITIAL_DATE, t0 + 200)))))).containsExactly(second, third);
        assertThat(ids(locate(f, List.of(attr(TtlvItem.dateTime(Tag.INITIAL_DATE, t0)),
                attr(TtlvItem.dateTime(Tag.INITIAL_DATE, t0 + 99)))))).containsExactly(first);
        assertThat(ids(locate(f, List.of(attr(TtlvItem.dateTime(Tag.INITIAL_DATE, t0 + 200)))))).containsExactly(third);
    }

    @Test
    void locate_dateGivenThreeTimes_isInvalidField() {
        Fixture f = new Fixture(KmipVersion.V1_2);
        f.fails(ResultReason.INVALID_FIELD, Operation.LOCATE, payload(f.criteria(List.of(
                attr(TtlvItem.dateTime(Tag.INITIAL_DATE, 1)), attr(TtlvItem.dateTime(Tag.INITIAL_DATE, 2)),
                attr(TtlvItem.dateTime(Tag.INITIAL_DATE, 3))))));
    }

    @ParameterizedTest
    @MethodSource("versions")
    void locate_usageMask_matchesWhenEveryRequestedBitIsSet(KmipVersion version) throws Exception {
        Fixture f = new Fixture(version);
        String both = f.createAes();
        String encryptOnly = f.run(Operation.CREATE, payload(Fixture.objectType(ObjectType.SYMMETRIC_KEY),
                f.attributes(Fixture.algorithm(io.keyhold.protocol.spec.CryptographicAlgorithm.AES), Fixture.length(128),
                        Fixture.mask(4)))).child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
        assertThat(ids(locate(f, List.of(attr(Fixture.mask(4)))))).containsExactly(both, encryptOnly);
        assertThat(ids(locate(f, List.of(attr(Fixture.mask(8)))))).containsExactly(both);
        assertThat(ids(locate(f, List.of(attr(Fixture.mask(12)))))).containsExactly(both);
        assertThat(ids(locate(f, List.of(attr(Fixture.mask(16)))))).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("versions")
    void locate_leavesOutDestroyedAndOtherOwnersObjects(KmipVersion version) throws Exception {
        Fixture f = new Fixture(version);
        String kept = f.createAes();
        String destroyed = f.createAes();
        f.run(Operation.DESTROY, payload(uid(destroyed)));
        f.client = "client2";
        String foreign = f.createAes();
        assertThat(ids(locate(f, List.of()))).containsExactly(foreign);
        f.client = "client1";
        assertThat(ids(locate(f, List.of()))).containsExactly(kept);
        if (version.compareTo(KmipVersion.V2_0) >= 0) {
            assertThat(ids(locate(f, List.of(), TtlvItem.integer(Tag.STORAGE_STATUS_MASK, 1 | 4)))).containsExactly(kept, destroyed);
            assertThat(ids(locate(f, List.of(), TtlvItem.integer(Tag.STORAGE_STATUS_MASK, 4)))).containsExactly(destroyed);
        }
    }

    @Test
    void locate_archived_onlyWithTheArchivalBit() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_1);
        String online = f.createAes();
        String archived = f.createAes();
        f.run(Operation.ARCHIVE, payload(uid(archived)));
        assertThat(ids(locate(f, List.of()))).containsExactly(online);
        assertThat(ids(locate(f, List.of(), TtlvItem.integer(Tag.STORAGE_STATUS_MASK, 2)))).containsExactly(archived);
        assertThat(ids(locate(f, List.of(), TtlvItem.integer(Tag.STORAGE_STATUS_MASK, 3)))).containsExactly(online, archived);
    }

    @Test
    void locate_groupMemberFresh_andDefault() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_4);
        TtlvItem group = TtlvItem.text(Tag.OBJECT_GROUP, "g");
        String a = f.createAes(group);
        String b = f.createAes(group);
        f.run(Operation.GET, payload(uid(a)));
        assertThat(ids(locate(f, List.of(attr(group)), TtlvItem.enumeration(Tag.OBJECT_GROUP_MEMBER, 1)))).containsExactly(b);
        assertThat(ids(locate(f, List.of(attr(group)), TtlvItem.enumeration(Tag.OBJECT_GROUP_MEMBER, 2)))).containsExactly(b);
        f.run(Operation.GET, payload(uid(b)));
        assertThat(ids(locate(f, List.of(attr(group)), TtlvItem.enumeration(Tag.OBJECT_GROUP_MEMBER, 1)))).isEmpty();
        assertThat(ids(locate(f, List.of(attr(group)), TtlvItem.enumeration(Tag.OBJECT_GROUP_MEMBER, 2)))).containsExactly(b);
    }

    @Test
    void locate_negativeOffset_isInvalidField_andWrongFieldTypeInvalidMessage() {
        Fixture f = new Fixture(KmipVersion.V1_0);
        f.fails(ResultReason.INVALID_FIELD, Operation.LOCATE, payload(TtlvItem.integer(Tag.OFFSET_ITEMS, -1)));
        f.fails(ResultReason.INVALID_MESSAGE, Operation.LOCATE, payload(TtlvItem.text(Tag.MAXIMUM_ITEMS, "16")));
    }

    @Test
    void locate_byUniqueIdentifierAfterDestroy_findsNothing() throws Exception {
        Fixture f = new Fixture(KmipVersion.V1_0);
        String id = f.createAes();
        assertThat(ids(locate(f, List.of(attr(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, id)))))).containsExactly(id);
        f.run(Operation.DESTROY, payload(uid(id)));
        Set<String> after = new LinkedHashSet<>(ids(locate(f, List.of(attr(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, id))))));
        assertThat(after).isEmpty();
    }
}
