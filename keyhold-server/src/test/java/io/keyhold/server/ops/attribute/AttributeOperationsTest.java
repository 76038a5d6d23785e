package io.keyhold.server.ops.attribute;

import static io.keyhold.server.dispatch.AttributeItems.attribute1x;
import static io.keyhold.server.dispatch.AttributeItems.currentAttribute;
import static io.keyhold.server.dispatch.AttributeItems.newAttribute;
import static io.keyhold.server.dispatch.AttributeItems.reference;
import static io.keyhold.server.dispatch.AttributeItems.uid;
import static io.keyhold.server.dispatch.AttributeItems.vendorAttribute;
import static io.keyhold.server.dispatch.DispatcherFixture.NOW;
import static io.keyhold.server.dispatch.DispatcherFixture.header;
import static io.keyhold.server.dispatch.DispatcherFixture.item;
import static io.keyhold.server.dispatch.DispatcherFixture.key;
import static io.keyhold.server.dispatch.DispatcherFixture.only;
import static io.keyhold.server.dispatch.DispatcherFixture.reason;
import static io.keyhold.server.dispatch.DispatcherFixture.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.AdjustmentType;
import io.keyhold.protocol.spec.BatchErrorContinuationOption;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.dispatch.DispatcherFixture;
import io.keyhold.server.store.StoredObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AttributeOperationsTest {
    private static final KmipAttribute CUSTOM = new KmipAttribute("x-team", 0, TtlvItem.text(Tag.ATTRIBUTE_VALUE, "blue"));

    private final DispatcherFixture f = new DispatcherFixture(AttributeHandlers.all());

    @BeforeEach
    void objects() {
        f.insert(key("k1", "client1", CUSTOM));
        f.insert(key("other", "client2"));
    }

    @AfterEach
    void close() {
        f.close();
    }

    private ResponseBatchItem send(KmipVersion v, Operation op, TtlvItem... payload) {
        byte[] raw = f.raw(v, item(op, payload));
        assertThat(DispatcherFixture.RULES.check(DispatcherFixture.tree(raw), v)).isEmpty();
        return only(DispatcherFixture.decode(raw));
    }

    private static List<TtlvItem> attributes1x(ResponseBatchItem r) {
        return r.payload().childrenWith(Tag.ATTRIBUTE);
    }

    private static String name(TtlvItem attribute) {
        return attribute.child(Tag.ATTRIBUTE_NAME).orElseThrow().textValue();
    }

    private static TtlvItem value(TtlvItem attribute) {
        return attribute.child(Tag.ATTRIBUTE_VALUE).orElseThrow();
    }

    private void assertUnchanged(String uid) {
        assertThat(f.stored(uid).attribute("Last Change Date").orElseThrow().value().dateTimeValue()).isEqualTo(NOW - 100);
    }

    // ---- Get Attributes

    @Test
    void getAttributes_oneName_returnsOnlyThatAttributeWithStateAsEnumeration() {
        ResponseBatchItem r = send(KmipVersion.V1_0, Operation.GET_ATTRIBUTES, uid("k1"),
                TtlvItem.text(Tag.ATTRIBUTE_NAME, "State"));
        assertThat(r.payload().children().get(0)).isEqualTo(uid("k1"));
        assertThat(attributes1x(r)).hasSize(1);
        TtlvItem state = attributes1x(r).get(0);
        assertThat(name(state)).isEqualTo("State");
        assertThat(value(state).type()).isEqualTo(ItemType.ENUMERATION);
        assertThat(value(state).enumValue()).isEqualTo(State.ACTIVE.value());
    }

    @Test
    void getAttributes_missingCustomAttribute_answersSuccessWithOnlyTheIdentifier() {
        ResponseBatchItem r = send(KmipVersion.V1_1, Operation.GET_ATTRIBUTES, uid("k1"),
                TtlvItem.text(Tag.ATTRIBUTE_NAME, "x-vmware-not-there"));
        assertThat(status(r)).isEqualTo(ResultStatus.SUCCESS);
        assertThat(r.payload().children()).containsExactly(uid("k1"));
    }

    @Test
    void getAttributes_noNames_returnsEveryAttributeOfTheVersion() {
        f.insert(key("k2", "client1", new KmipAttribute("Description", 0, TtlvItem.text(Tag.DESCRIPTION, "new in 1.4"))));
        List<String> at12 = attributes1x(send(KmipVersion.V1_2, Operation.GET_ATTRIBUTES, uid("k2")))
                .stream().map(AttributeOperationsTest::name).toList();
        assertThat(at12).contains("Unique Identifier", "Object Type", "State", "Name", "Cryptographic Length")
                .doesNotContain("Description");
        List<String> at14 = attributes1x(send(KmipVersion.V1_4, Operation.GET_ATTRIBUTES, uid("k2")))
                .stream().map(AttributeOperationsTest::name).toList();
        assertThat(at14).contains("Description");
    }

    @Test
    void getAttributes_twoX_returnsAttributesStructureWithVendorAttribute() {
        ResponseBatchItem r = send(KmipVersion.V2_1, Operation.GET_ATTRIBUTES, uid("k1"), reference(Tag.STATE),
                TtlvItem.structure(Tag.ATTRIBUTE_REFERENCE, TtlvItem.text(Tag.VENDOR_IDENTIFICATION, "x"),
                        TtlvItem.text(Tag.ATTRIBUTE_NAME, "team")));
        TtlvItem attrs = r.payload().child(Tag.ATTRIBUTES).orElseThrow();
        assertThat(attrs.children()).containsExactly(TtlvItem.enumeration(Tag.STATE, State.ACTIVE.value()),
                vendorAttribute("x", "team", "blue"));
    }

    @Test
    void getAttributes_twoXMissingAttribute_answersEmptyAttributes() {
        ResponseBatchItem r = send(KmipVersion.V2_0, Operation.GET_ATTRIBUTES, uid("k1"), reference(Tag.CONTACT_INFORMATION));
        assertThat(r.payload().children()).containsExactly(uid("k1"), TtlvItem.structure(Tag.ATTRIBUTES));
    }

    @Test
    void getAttributes_objectOfAnotherOwner_failsItemNotFound() {
        ResponseBatchItem r = send(KmipVersion.V1_2, Operation.GET_ATTRIBUTES, uid("other"));
        assertThat(reason(r)).isEqualTo(ResultReason.ITEM_NOT_FOUND);
        assertThat(r.resultMessage()).contains("other");
    }

    // ---- Get Attribute List

    @Test
    void getAttributeList_1x_namesEachAttributeOnce() {
        f.insert(key("k3", "client1", new KmipAttribute("Name", 1, DispatcherFixture.name("second"))));
        ResponseBatchItem r = send(KmipVersion.V1_2, Operation.GET_ATTRIBUTE_LIST, uid("k3"));
        List<String> names = r.payload().childrenWith(Tag.ATTRIBUTE_NAME).stream().map(TtlvItem::textValue).toList();
        assertThat(names).contains("State", "Name").doesNotHaveDuplicates();
    }

    @Test
    void getAttributeList_2x_answersAttributeReferences() {
        ResponseBatchItem r = send(KmipVersion.V2_1, Operation.GET_ATTRIBUTE_LIST, uid("k1"));
        List<TtlvItem> refs = r.payload().childrenWith(Tag.ATTRIBUTE_REFERENCE);
        assertThat(refs).contains(reference(Tag.STATE), TtlvItem.structure(Tag.ATTRIBUTE_REFERENCE,
                TtlvItem.text(Tag.VENDOR_IDENTIFICATION, "x"), TtlvItem.text(Tag.ATTRIBUTE_NAME, "team")));
    }

    @Test
    void getAttributeList_unknownObject_failsObjectNotFound() {
        assertThat(reason(send(KmipVersion.V2_1, Operation.GET_ATTRIBUTE_LIST, uid("nope")))).isEqualTo(ResultReason.OBJECT_NOT_FOUND);
    }

    // ---- Add Attribute

    @Test
    void addAttribute_vsphereBatchOfThree_allSucceedWithBatchItemIds() {
        RequestBatchItem[] items = new RequestBatchItem[3];
        for (int i = 0; i < 3; i++) {
            items[i] = item(Operation.ADD_ATTRIBUTE, new byte[] {(byte) (0x10 + i)}, uid("k1"),
                    attribute1x("x-vmware-" + i, "value" + i));
        }
        ResponseMessage m = f.send(header(KmipVersion.V1_1, 3), items);
        assertThat(m.batchItems()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            ResponseBatchItem r = m.batchItems().get(i);
            assertThat(status(r)).isEqualTo(ResultStatus.SUCCESS);
            assertThat(r.operationValue()).isEqualTo(Operation.ADD_ATTRIBUTE.value());
            assertThat(r.uniqueBatchItemId()).containsExactly(0x10 + i);
            assertThat(attributes1x(r)).containsExactly(attribute1x("x-vmware-" + i, "value" + i));
        }
        StoredObject o = f.stored("k1");
        assertThat(o.attributes("x-vmware-2")).extracting(a -> a.value().textValue()).containsExactly("value2");
        assertThat(o.attribute("Last Change Date").orElseThrow().value().dateTimeValue()).isEqualTo(NOW);
    }

    @Test
    void addAttribute_secondInstanceOfMultiValued_getsNextIndex() {
        ResponseBatchItem r = send(KmipVersion.V1_2, Operation.ADD_ATTRIBUTE, uid("k1"), attribute1x("x-team", "red"));
        assertThat(attributes1x(r).get(0).child(Tag.ATTRIBUTE_INDEX).orElseThrow().intValue()).isEqualTo(1);
        assertThat(f.stored("k1").attributes("x-team")).extracting(KmipAttribute::index).containsExactly(0, 1);
    }

    @Test
    void addAttribute_2x_answersOnlyTheIdentifier() {
        ResponseBatchItem r = send(KmipVersion.V2_0, Operation.ADD_ATTRIBUTE, uid("k1"),
                newAttribute(TtlvItem.text(Tag.CONTACT_INFORMATION, "ops@example.org")));
        assertThat(r.payload().children()).containsExactly(uid("k1"));
        assertThat(f.stored("k1").attribute("Contact Information").orElseThrow().value().textValue()).isEqualTo("ops@example.org");
    }

    @Test
    void addAttribute_readOnly_failsPermissionDeniedIn1xAndAttributeReadOnlyIn2x() {
        assertThat(reason(send(KmipVersion.V1_4, Operation.ADD_ATTRIBUTE, uid("k1"),
                attribute1x("Initial Date", TtlvItem.dateTime(Tag.INITIAL_DATE, 1))))).isEqualTo(ResultReason.PERMISSION_DENIED);
        assertThat(reason(send(KmipVersion.V2_1, Operation.ADD_ATTRIBUTE, uid("k1"),
                newAttribute(TtlvItem.enumeration(Tag.STATE, 1))))).isEqualTo(ResultReason.ATTRIBUTE_READ_ONLY);
        assertUnchanged("k1");
    }

    @Test
    void addAttribute_singleValuedPresent_failsIllegalOperationIn1xAndSingleValuedIn2x() {
        send(KmipVersion.V1_2, Operation.ADD_ATTRIBUTE, uid("k1"), attribute1x("Contact Information", "a"));
        assertThat(reason(send(KmipVersion.V1_2, Operation.ADD_ATTRIBUTE, uid("k1"), attribute1x("Contact Information", "b"))))
                .isEqualTo(ResultReason.ILLEGAL_OPERATION);
        assertThat(reason(send(KmipVersion.V2_1, Operation.ADD_ATTRIBUTE, uid("k1"),
                newAttribute(TtlvItem.text(Tag.CONTACT_INFORMATION, "c"))))).isEqualTo(ResultReason.ATTRIBUTE_SINGLE_VALUED);
        assertThat(f.stored("k1").attributes("Contact Information")).hasSize(1);
    }

    @Test
    void addAttribute_withIndex_failsInvalidField() {
        assertThat(reason(send(KmipVersion.V1_2, Operation.ADD_ATTRIBUTE, uid("k1"),
                attribute1x("x-team", 2, TtlvItem.text(Tag.ATTRIBUTE_VALUE, "z"))))).isEqualTo(ResultReason.INVALID_FIELD);
    }

    @Test
    void addAttribute_wrongValueType_failsInvalidFieldIn1xAndInvalidAttributeValueIn2x() {
        assertThat(reason(send(KmipVersion.V1_2, Operation.ADD_ATTRIBUTE, uid("k1"),
                attribute1x("Contact Information", TtlvItem.integer(Tag.ATTRIBUTE_VALUE, 5))))).isEqualTo(ResultReason.INVALID_FIELD);
        assertThat(reason(send(KmipVersion.V2_1, Operation.ADD_ATTRIBUTE, uid("k1"),
                newAttribute(TtlvItem.integer(Tag.CONTACT_INFORMATION, 5))))).isEqualTo(ResultReason.INVALID_ATTRIBUTE_VALUE);
        assertUnchanged("k1");
    }

    @Test
    void addAttribute_duplicateName_failsNonUniqueName() {
        f.insert(key("k4", "client1"));
        assertThat(reason(send(KmipVersion.V2_1, Operation.ADD_ATTRIBUTE, uid("k4"),
                newAttribute(DispatcherFixture.name("k1-name"))))).isEqualTo(ResultReason.NON_UNIQUE_NAME_ATTRIBUTE);
    }

    @Test
    void addAttribute_objectOfAnotherOwner_failsItemNotFound() {
        assertThat(reason(send(KmipVersion.V1_1, Operation.ADD_ATTRIBUTE, uid("other"), attribute1x("x-a", "b"))))
                .isEqualTo(ResultReason.ITEM_NOT_FOUND);
        assertUnchanged("other");
    }

    // ---- Modify Attribute

    @Test
    void modifyAttribute_1x_replacesTheIndexedInstance() {
        ResponseBatchItem r = send(KmipVersion.V1_2, Operation.MODIFY_ATTRIBUTE, uid("k1"), attribute1x("x-team", "green"));
        assertThat(attributes1x(r)).containsExactly(attribute1x("x-team", "green"));
        assertThat(f.stored("k1").attributes("x-team")).extracting(a -> a.value().textValue()).containsExactly("green");
        assertThat(f.stored("k1").attribute("Last Change Date").orElseThrow().value().dateTimeValue()).isEqualTo(NOW);
    }

    @Test
    void modifyAttribute_1xBadIndexOrMissingAttribute_failsItemNotFound() {
        assertThat(reason(send(KmipVersion.V1_2, Operation.MODIFY_ATTRIBUTE, uid("k1"),
                attribute1x("x-team", 3, TtlvItem.text(Tag.ATTRIBUTE_VALUE, "z"))))).isEqualTo(ResultReason.ITEM_NOT_FOUND);
        assertThat(reason(send(KmipVersion.V1_2, Operation.MODIFY_ATTRIBUTE, uid("k1"), attribute1x("x-none", "z"))))
                .isEqualTo(ResultReason.ITEM_NOT_FOUND);
        assertUnchanged("k1");
    }

    @Test
    void modifyAttribute_2x_missingAttributeAndInstance() {
        assertThat(reason(send(KmipVersion.V2_1, Operation.MODIFY_ATTRIBUTE, uid("k1"),
                newAttribute(TtlvItem.text(Tag.CONTACT_INFORMATION, "z"))))).isEqualTo(ResultReason.ATTRIBUTE_NOT_FOUND);
        assertThat(reason(send(KmipVersion.V2_1, Operation.MODIFY_ATTRIBUTE, uid("k1"),
                currentAttribute(vendorAttribute("x", "team", "purple")), newAttribute(vendorAttribute("x", "team", "z")))))
                .isEqualTo(ResultReason.ATTRIBUTE_INSTANCE_NOT_FOUND);
        ResponseBatchItem ok = send(KmipVersion.V2_1, Operation.MODIFY_ATTRIBUTE, uid("k1"),
                currentAttribute(vendorAttribute("x", "team", "blue")), newAttribute(vendorAttribute("x", "team", "z")));
        assertThat(ok.payload().children()).containsExactly(uid("k1"));
        assertThat(f.stored("k1").attribute("x-team").orElseThrow().value().textValue()).isEqualTo("z");
    }

    @Test
    void modifyAttribute_readOnly_failsAttributeReadOnly() {
        assertThat(reason(send(KmipVersion.V2_1, Operation.MODIFY_ATTRIBUTE, uid("k1"),
                newAttribute(TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 128))))).isEqualTo(ResultReason.ATTRIBUTE_READ_ONLY);
        assertThat(reason(send(KmipVersion.V1_0, Operation.MODIFY_ATTRIBUTE, uid("k1"),
                attribute1x("Cryptographic Length", TtlvItem.integer(Tag.ATTRIBUTE_VALUE, 128))))).isEqualTo(ResultReason.PERMISSION_DENIED);
        assertUnchanged("k1");
    }

    // ---- Delete Attribute

    @Test
    void deleteAttribute_1x_removesTheInstanceAndAnswersIt() {
        ResponseBatchItem r = send(KmipVersion.V1_2, Operation.DELETE_ATTRIBUTE, uid("k1"),
                TtlvItem.text(Tag.ATTRIBUTE_NAME, "x-team"));
        assertThat(attributes1x(r)).containsExactly(attribute1x("x-team", "blue"));
        assertThat(f.stored("k1").attributes("x-team")).isEmpty();
    }

    @Test
    void deleteAttribute_1xMissingIndex_failsItemNotFound() {
        assertThat(reason(send(KmipVersion.V1_2, Operation.DELETE_ATTRIBUTE, uid("k1"),
                TtlvItem.text(Tag.ATTRIBUTE_NAME, "x-team"), TtlvItem.integer(Tag.ATTRIBUTE_INDEX, 4))))
                .isEqualTo(ResultReason.ITEM_NOT_FOUND);
        assertThat(reason(send(KmipVersion.V1_2, Operation.DELETE_ATTRIBUTE, uid("k1"),
                TtlvItem.text(Tag.ATTRIBUTE_NAME, "x-none")))).isEqualTo(ResultReason.ITEM_NOT_FOUND);
        assertUnchanged("k1");
    }

    @Test
    void deleteAttribute_required_failsPermissionDeniedOrReadOnly() {
        assertThat(reason(send(KmipVersion.V1_3, Operation.DELETE_ATTRIBUTE, uid("k1"),
                TtlvItem.text(Tag.ATTRIBUTE_NAME, "Cryptographic Algorithm")))).isEqualTo(ResultReason.PERMISSION_DENIED);
        assertThat(reason(send(KmipVersion.V2_1, Operation.DELETE_ATTRIBUTE, uid("k1"),
                reference(Tag.STATE)))).isEqualTo(ResultReason.ATTRIBUTE_READ_ONLY);
        assertUnchanged("k1");
    }

    @Test
    void deleteAttribute_2x_referenceRemovesEveryInstance() {
        f.insert(key("k5", "client1", new KmipAttribute("Name", 1, DispatcherFixture.name("second"))));
        ResponseBatchItem r = send(KmipVersion.V2_1, Operation.DELETE_ATTRIBUTE, uid("k5"), reference(Tag.NAME));
        assertThat(r.payload().children()).containsExactly(uid("k5"));
        assertThat(f.stored("k5").attributes("Name")).isEmpty();
        assertThat(reason(send(KmipVersion.V2_1, Operation.DELETE_ATTRIBUTE, uid("k5"), reference(Tag.NAME))))
                .isEqualTo(ResultReason.ATTRIBUTE_NOT_FOUND);
    }

    @Test
    void deleteAttribute_2x_currentAttributeRemovesThatInstance() {
        f.insert(key("k6", "client1", new KmipAttribute("Name", 1, DispatcherFixture.name("second"))));
        send(KmipVersion.V2_0, Operation.DELETE_ATTRIBUTE, uid("k6"), currentAttribute(DispatcherFixture.name("second")));
        assertThat(f.stored("k6").attributes("Name")).extracting(KmipAttribute::index).containsExactly(0);
        assertThat(reason(send(KmipVersion.V2_0, Operation.DELETE_ATTRIBUTE, uid("k6"),
                currentAttribute(DispatcherFixture.name("second"))))).isEqualTo(ResultReason.ATTRIBUTE_INSTANCE_NOT_FOUND);
    }

    // ---- Set Attribute

    @Test
    void setAttribute_createsThenReplaces() {
        send(KmipVersion.V2_1, Operation.SET_ATTRIBUTE, uid("k1"), newAttribute(TtlvItem.text(Tag.DESCRIPTION, "one")));
        send(KmipVersion.V2_1, Operation.SET_ATTRIBUTE, uid("k1"), newAttribute(TtlvItem.text(Tag.DESCRIPTION, "two")));
        assertThat(f.stored("k1").attributes("Description")).extracting(a -> a.value().textValue()).containsExactly("two");
    }

    @Test
    void setAttribute_failures() {
        f.insert(key("k7", "client1", new KmipAttribute("Name", 1, DispatcherFixture.name("second"))));
        assertThat(reason(send(KmipVersion.V2_1, Operation.SET_ATTRIBUTE, uid("k7"),
                newAttribute(DispatcherFixture.name("third"))))).isEqualTo(ResultReason.MULTI_VALUED_ATTRIBUTE);
        assertThat(reason(send(KmipVersion.V2_1, Operation.SET_ATTRIBUTE, uid("k7"),
                newAttribute(TtlvItem.dateTime(Tag.INITIAL_DATE, 5))))).isEqualTo(ResultReason.ATTRIBUTE_READ_ONLY);
        assertThat(reason(send(KmipVersion.V1_4, Operation.SET_ATTRIBUTE, uid("k7"))))
                .isEqualTo(ResultReason.OPERATION_NOT_SUPPORTED);
        assertUnchanged("k7");
    }

    // ---- Adjust Attribute

    private TtlvItem adjustment(AdjustmentType type) {
        return TtlvItem.enumeration(Tag.ADJUSTMENT_TYPE, type.value());
    }

    @Test
    void adjustAttribute_incrementsAndDecrements() {
        f.insert(key("k8", "client1", new KmipAttribute("Rotate Interval", 0, TtlvItem.interval(Tag.ROTATE_INTERVAL, 100))));
        send(KmipVersion.V2_1, Operation.ADJUST_ATTRIBUTE, uid("k8"), reference(Tag.ROTATE_INTERVAL),
                adjustment(AdjustmentType.INCREMENT), TtlvItem.interval(Tag.ADJUSTMENT_VALUE, 50));
        assertThat(f.stored("k8").attribute("Rotate Interval").orElseThrow().value().intervalValue()).isEqualTo(150);
        assertThat(reason(send(KmipVersion.V2_1, Operation.ADJUST_ATTRIBUTE, uid("k8"), reference(Tag.ROTATE_INTERVAL),
                adjustment(AdjustmentType.DECREMENT), TtlvItem.integer(Tag.ADJUSTMENT_VALUE, 1000))))
                .isEqualTo(ResultReason.NUMERIC_RANGE);
    }

    @Test
    void adjustAttribute_failures() {
        assertThat(reason(send(KmipVersion.V2_1, Operation.ADJUST_ATTRIBUTE, uid("k1"), reference(Tag.ROTATE_INTERVAL),
                adjustment(AdjustmentType.INCREMENT), TtlvItem.integer(Tag.ADJUSTMENT_VALUE, 1))))
                .isEqualTo(ResultReason.ATTRIBUTE_NOT_FOUND);
        assertThat(reason(send(KmipVersion.V2_1, Operation.ADJUST_ATTRIBUTE, uid("k1"), reference(Tag.CRYPTOGRAPHIC_LENGTH),
                adjustment(AdjustmentType.INCREMENT), TtlvItem.integer(Tag.ADJUSTMENT_VALUE, 1))))
                .isEqualTo(ResultReason.ATTRIBUTE_READ_ONLY);
        assertUnchanged("k1");
    }

    // ---- batches

    @Test
    void undoBatch_rollsBackAnAttributeAddedByAnEarlierItem() {
        ResponseMessage m = f.send(header(KmipVersion.V1_4, 2, null, null, null, BatchErrorContinuationOption.UNDO.value()),
                item(Operation.ADD_ATTRIBUTE, uid("k1"), attribute1x("x-new", "v")),
                item(Operation.ADD_ATTRIBUTE, uid("k1"), attribute1x("State", TtlvItem.enumeration(Tag.STATE, 1))));
        assertThat(m.batchItems()).extracting(DispatcherFixture::status)
                .containsExactly(ResultStatus.OPERATION_UNDONE, ResultStatus.OPERATION_FAILED);
        assertThat(f.stored("k1").attributes("x-new")).isEmpty();
        assertUnchanged("k1");
    }

    @Test
    void idPlaceholder_carriesTheIdentifierToTheNextItem() {
        ResponseMessage m = f.send(KmipVersion.V1_2,
                item(Operation.GET_ATTRIBUTES, uid("k1"), TtlvItem.text(Tag.ATTRIBUTE_NAME, "State")),
                item(Operation.ADD_ATTRIBUTE, attribute1x("x-placeholder", "yes")));
        assertThat(status(m.batchItems().get(1))).isEqualTo(ResultStatus.SUCCESS);
        assertThat(f.stored("k1").attributes("x-placeholder")).hasSize(1);
    }
}
