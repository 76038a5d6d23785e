package io.keyhold.testkit.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseHeader;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.testkit.load.KmipRequests.CipherMode;
import io.keyhold.testkit.load.KmipRequests.KeyPairKind;
import io.keyhold.protocol.spec.BlockCipherMode;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.NameType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.PaddingMethod;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvDecoder;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class KmipRequestsTest {

    private static RequestMessage decode(byte[] bytes) throws Exception {
        return RequestMessage.from(new TtlvDecoder().decode(bytes));
    }

    private static Map<String, TtlvItem> byName(List<KmipAttribute> attributes) {
        return attributes.stream().collect(Collectors.toMap(KmipAttribute::name, KmipAttribute::value));
    }

    @Test
    void createAes256_v12_sendsTemplateAttributeWithAlgorithmLengthAndMask() throws Exception {
        RequestMessage m = decode(KmipRequests.createAes256(KmipVersion.V1_2));

        assertThat(m.header().protocolVersion()).isEqualTo(KmipVersion.V1_2);
        assertThat(m.batchItems()).hasSize(1);
        RequestBatchItem item = m.batchItems().get(0);
        assertThat(item.operation()).contains(Operation.CREATE);
        assertThat(item.payload().child(Tag.OBJECT_TYPE).orElseThrow().enumValue()).isEqualTo(ObjectType.SYMMETRIC_KEY.value());
        Map<String, TtlvItem> attrs = byName(AttributeMapping.fromTemplateAttribute(
                item.payload().child(Tag.TEMPLATE_ATTRIBUTE).orElseThrow()));
        assertThat(attrs.get("Cryptographic Algorithm").enumValue()).isEqualTo(3);
        assertThat(attrs.get("Cryptographic Length").intValue()).isEqualTo(256);
        assertThat(attrs.get("Cryptographic Usage Mask").intValue()).isEqualTo(4 | 8);
        assertThat(item.payload().child(Tag.ATTRIBUTES)).isEmpty();
    }

    @Test
    void createAes256_v20_sendsAttributesStructure() throws Exception {
        RequestBatchItem item = decode(KmipRequests.createAes256(KmipVersion.V2_0)).batchItems().get(0);

        assertThat(item.payload().child(Tag.TEMPLATE_ATTRIBUTE)).isEmpty();
        Map<String, TtlvItem> attrs = byName(AttributeMapping.fromAttributes(item.payload().child(Tag.ATTRIBUTES).orElseThrow()));
        assertThat(attrs.keySet()).containsExactlyInAnyOrder(
                "Cryptographic Algorithm", "Cryptographic Length", "Cryptographic Usage Mask");
    }

    @Test
    void get_sendsUniqueIdentifier() throws Exception {
        RequestMessage m = decode(KmipRequests.get(KmipVersion.V1_0, "key-1"));

        assertThat(m.header().protocolVersion()).isEqualTo(KmipVersion.V1_0);
        assertThat(m.batchItems().get(0).operation()).contains(Operation.GET);
        assertThat(m.batchItems().get(0).payload().child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()).isEqualTo("key-1");
    }

    @Test
    void failure_successResponse_isEmpty_andUniqueIdentifierIsRead() {
        TtlvItem response = new ResponseMessage(ResponseHeader.of(KmipVersion.V1_2, 0, 1), List.of(
                ResponseBatchItem.success(Operation.CREATE, null, TtlvItem.structure(Tag.RESPONSE_PAYLOAD,
                        TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                        TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "42"))))).toTtlv();

        assertThat(KmipRequests.failure(response)).isEmpty();
        assertThat(KmipRequests.uniqueIdentifier(response)).contains("42");
    }

    @Test
    void failure_failedResponse_namesStatusReasonAndMessage() {
        TtlvItem response = new ResponseMessage(ResponseHeader.of(KmipVersion.V1_2, 0, 1), List.of(
                ResponseBatchItem.failure(Operation.GET.value(), null, ResultReason.ITEM_NOT_FOUND, "no such key"))).toTtlv();

        assertThat(KmipRequests.failure(response)).contains("Operation Failed: Item Not Found (no such key)");
        assertThat(KmipRequests.uniqueIdentifier(response)).isEmpty();
    }

    @Test
    void failure_notAResponseMessage_isReported() throws Exception {
        TtlvItem request = new TtlvDecoder().decode(KmipRequests.get(KmipVersion.V1_2, "x"));

        assertThat(KmipRequests.failure(request)).hasValueSatisfying(s -> assertThat(s).startsWith("not a Response Message"));
    }

    private static int param(TtlvItem parameters, int tag) {
        return parameters.child(tag).orElseThrow().enumValue();
    }

    @Test
    void createSigningKeyPair_v12_ec_sendsCommonAlgorithmLengthAndPerKeyMasks() throws Exception {
        RequestBatchItem item = decode(KmipRequests.createSigningKeyPair(KmipVersion.V1_2, KeyPairKind.EC_P256)).batchItems().get(0);

        assertThat(item.operation()).contains(Operation.CREATE_KEY_PAIR);
        Map<String, TtlvItem> common = byName(AttributeMapping.fromTemplateAttribute(
                item.payload().child(Tag.COMMON_TEMPLATE_ATTRIBUTE).orElseThrow()));
        assertThat(common.get("Cryptographic Algorithm").enumValue()).isEqualTo(CryptographicAlgorithm.EC.value());
        assertThat(common.get("Cryptographic Length").intValue()).isEqualTo(256);
        Map<String, TtlvItem> priv = byName(AttributeMapping.fromTemplateAttribute(
                item.payload().child(Tag.PRIVATE_KEY_TEMPLATE_ATTRIBUTE).orElseThrow()));
        Map<String, TtlvItem> pub = byName(AttributeMapping.fromTemplateAttribute(
                item.payload().child(Tag.PUBLIC_KEY_TEMPLATE_ATTRIBUTE).orElseThrow()));
        assertThat(priv.get("Cryptographic Usage Mask").intValue()).isEqualTo(CryptographicUsageMask.SIGN.value());
        assertThat(pub.get("Cryptographic Usage Mask").intValue()).isEqualTo(CryptographicUsageMask.VERIFY.value());
    }

    @Test
    void createSigningKeyPair_v20_rsa_sendsAttributesStructures() throws Exception {
        RequestBatchItem item = decode(KmipRequests.createSigningKeyPair(KmipVersion.V2_0, KeyPairKind.RSA_2048)).batchItems().get(0);

        assertThat(item.payload().child(Tag.COMMON_TEMPLATE_ATTRIBUTE)).isEmpty();
        Map<String, TtlvItem> common = byName(AttributeMapping.fromAttributes(item.payload().child(Tag.COMMON_ATTRIBUTES).orElseThrow()));
        assertThat(common.get("Cryptographic Algorithm").enumValue()).isEqualTo(CryptographicAlgorithm.RSA.value());
        assertThat(common.get("Cryptographic Length").intValue()).isEqualTo(2048);
        assertThat(byName(AttributeMapping.fromAttributes(item.payload().child(Tag.PRIVATE_KEY_ATTRIBUTES).orElseThrow()))
                .get("Cryptographic Usage Mask").intValue()).isEqualTo(CryptographicUsageMask.SIGN.value());
        assertThat(byName(AttributeMapping.fromAttributes(item.payload().child(Tag.PUBLIC_KEY_ATTRIBUTES).orElseThrow()))
                .get("Cryptographic Usage Mask").intValue()).isEqualTo(CryptographicUsageMask.VERIFY.value());
    }

    @Test
    void createSigningKeyPair_v11_ec_namesTheAlgorithmEcdsa() throws Exception {
        RequestBatchItem item = decode(KmipRequests.createSigningKeyPair(KmipVersion.V1_1, KeyPairKind.EC_P256)).batchItems().get(0);

        Map<String, TtlvItem> common = byName(AttributeMapping.fromTemplateAttribute(
                item.payload().child(Tag.COMMON_TEMPLATE_ATTRIBUTE).orElseThrow()));
        assertThat(common.get("Cryptographic Algorithm").enumValue()).isEqualTo(CryptographicAlgorithm.ECDSA.value());
    }

    @Test
    void activate_sendsUniqueIdentifier() throws Exception {
        RequestBatchItem item = decode(KmipRequests.activate(KmipVersion.V1_4, "k-7")).batchItems().get(0);

        assertThat(item.operation()).contains(Operation.ACTIVATE);
        assertThat(item.payload().child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()).isEqualTo("k-7");
    }

    @Test
    void encrypt_gcm_sendsModeTagLengthDataAndIv() throws Exception {
        byte[] iv = new byte[12];
        iv[11] = 5;
        byte[] data = new byte[1024];
        data[0] = 9;
        RequestMessage m = decode(KmipRequests.encrypt(KmipVersion.V1_4, "aes-1", CipherMode.GCM, iv, data));

        assertThat(m.header().protocolVersion()).isEqualTo(KmipVersion.V1_4);
        RequestBatchItem item = m.batchItems().get(0);
        assertThat(item.operation()).contains(Operation.ENCRYPT);
        TtlvItem p = item.payload();
        assertThat(p.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()).isEqualTo("aes-1");
        TtlvItem parameters = p.child(Tag.CRYPTOGRAPHIC_PARAMETERS).orElseThrow();
        assertThat(param(parameters, Tag.BLOCK_CIPHER_MODE)).isEqualTo(BlockCipherMode.GCM.value());
        assertThat(param(parameters, Tag.CRYPTOGRAPHIC_ALGORITHM)).isEqualTo(CryptographicAlgorithm.AES.value());
        assertThat(parameters.child(Tag.TAG_LENGTH).orElseThrow().intValue()).isEqualTo(16);
        assertThat(parameters.child(Tag.PADDING_METHOD)).isEmpty();
        assertThat(p.child(Tag.DATA).orElseThrow().bytesValue()).isEqualTo(data);
        assertThat(p.child(Tag.IV_COUNTER_NONCE).orElseThrow().bytesValue()).isEqualTo(iv);
    }

    @Test
    void encrypt_cbc_sendsPkcs5PaddingAndNoTagLength() throws Exception {
        byte[] iv = new byte[16];
        TtlvItem p = decode(KmipRequests.encrypt(KmipVersion.V1_2, "aes-1", CipherMode.CBC, iv, new byte[3]))
                .batchItems().get(0).payload();

        TtlvItem parameters = p.child(Tag.CRYPTOGRAPHIC_PARAMETERS).orElseThrow();
        assertThat(param(parameters, Tag.BLOCK_CIPHER_MODE)).isEqualTo(BlockCipherMode.CBC.value());
        assertThat(param(parameters, Tag.PADDING_METHOD)).isEqualTo(PaddingMethod.PKCS5.value());
        assertThat(parameters.child(Tag.TAG_LENGTH)).isEmpty();
        assertThat(p.child(Tag.IV_COUNTER_NONCE).orElseThrow().bytesValue()).hasSize(16);
    }

    @Test
    void encrypt_wrongIvLength_isRefused() {
        assertThatThrownBy(() -> KmipRequests.encrypt(KmipVersion.V1_4, "k", CipherMode.GCM, new byte[16], new byte[1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("12-byte IV");
    }

    @Test
    void sign_rsa_sendsRsaSha256Pkcs1AndTheData() throws Exception {
        byte[] data = new byte[64];
        data[63] = 1;
        RequestBatchItem item = decode(KmipRequests.sign(KmipVersion.V1_2, "priv-1", KeyPairKind.RSA_2048, data)).batchItems().get(0);

        assertThat(item.operation()).contains(Operation.SIGN);
        TtlvItem parameters = item.payload().child(Tag.CRYPTOGRAPHIC_PARAMETERS).orElseThrow();
        assertThat(param(parameters, Tag.CRYPTOGRAPHIC_ALGORITHM)).isEqualTo(CryptographicAlgorithm.RSA.value());
        assertThat(param(parameters, Tag.HASHING_ALGORITHM)).isEqualTo(HashingAlgorithm.SHA_256.value());
        assertThat(param(parameters, Tag.PADDING_METHOD)).isEqualTo(PaddingMethod.PKCS1_V1_5.value());
        assertThat(item.payload().child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()).isEqualTo("priv-1");
        assertThat(item.payload().child(Tag.DATA).orElseThrow().bytesValue()).isEqualTo(data);
    }

    @Test
    void sign_ecdsa_sendsEcdsaSha256WithoutPadding() throws Exception {
        TtlvItem parameters = decode(KmipRequests.sign(KmipVersion.V2_0, "priv-2", KeyPairKind.EC_P256, new byte[64]))
                .batchItems().get(0).payload().child(Tag.CRYPTOGRAPHIC_PARAMETERS).orElseThrow();

        assertThat(param(parameters, Tag.CRYPTOGRAPHIC_ALGORITHM)).isEqualTo(CryptographicAlgorithm.ECDSA.value());
        assertThat(param(parameters, Tag.HASHING_ALGORITHM)).isEqualTo(HashingAlgorithm.SHA_256.value());
        assertThat(parameters.child(Tag.PADDING_METHOD)).isEmpty();
    }

    @Test
    void privateKeyUniqueIdentifier_readsTheCreateKeyPairResponse() {
        TtlvItem response = new ResponseMessage(ResponseHeader.of(KmipVersion.V1_2, 0, 1), List.of(
                ResponseBatchItem.success(Operation.CREATE_KEY_PAIR, null, TtlvItem.structure(Tag.RESPONSE_PAYLOAD,
                        TtlvItem.text(Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER, "priv"),
                        TtlvItem.text(Tag.PUBLIC_KEY_UNIQUE_IDENTIFIER, "pub"))))).toTtlv();

        assertThat(KmipRequests.privateKeyUniqueIdentifier(response)).contains("priv");
        assertThat(KmipRequests.uniqueIdentifier(response)).isEmpty();
    }

    @Test
    void createAes256_named_v12_addsNameOfTypeUninterpretedText() throws Exception {
        RequestBatchItem item = decode(KmipRequests.createAes256(KmipVersion.V1_2, "bench-1")).batchItems().get(0);

        Map<String, TtlvItem> attrs = byName(AttributeMapping.fromTemplateAttribute(
                item.payload().child(Tag.TEMPLATE_ATTRIBUTE).orElseThrow()));
        TtlvItem name = attrs.get("Name");
        assertThat(name.child(Tag.NAME_VALUE).orElseThrow().textValue()).isEqualTo("bench-1");
        assertThat(name.child(Tag.NAME_TYPE).orElseThrow().enumValue()).isEqualTo(NameType.UNINTERPRETED_TEXT_STRING.value());
        assertThat(attrs).hasSize(4);
    }

    @Test
    void locateByName_v12_sendsOneNameAttribute() throws Exception {
        RequestBatchItem item = decode(KmipRequests.locateByName(KmipVersion.V1_2, "bench-2")).batchItems().get(0);

        assertThat(item.operation()).contains(Operation.LOCATE);
        assertThat(item.payload().children()).hasSize(1);
        KmipAttribute a = AttributeMapping.fromAttribute(item.payload().child(Tag.ATTRIBUTE).orElseThrow());
        assertThat(a.name()).isEqualTo("Name");
        assertThat(a.value().child(Tag.NAME_VALUE).orElseThrow().textValue()).isEqualTo("bench-2");
    }

    @Test
    void locateByName_v21_sendsAttributesWithTheName() throws Exception {
        RequestBatchItem item = decode(KmipRequests.locateByName(KmipVersion.V2_1, "bench-3")).batchItems().get(0);

        TtlvItem attributes = item.payload().child(Tag.ATTRIBUTES).orElseThrow();
        assertThat(attributes.child(Tag.NAME).orElseThrow().child(Tag.NAME_VALUE).orElseThrow().textValue()).isEqualTo("bench-3");
        assertThat(item.payload().child(Tag.ATTRIBUTE)).isEmpty();
    }

    @Test
    void getAttributes_sendsOnlyTheUniqueIdentifier() throws Exception {
        RequestBatchItem item = decode(KmipRequests.getAttributes(KmipVersion.V1_4, "k-9")).batchItems().get(0);

        assertThat(item.operation()).contains(Operation.GET_ATTRIBUTES);
        assertThat(item.payload().children()).hasSize(1);
        assertThat(item.payload().child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue()).isEqualTo("k-9");
    }

    @Test
    void registerAes_sendsRawKeyBlockWithAlgorithmAndLength() throws Exception {
        byte[] key = new byte[32];
        key[0] = 1;
        RequestBatchItem item = decode(KmipRequests.registerAes(KmipVersion.V2_0, key)).batchItems().get(0);

        assertThat(item.operation()).contains(Operation.REGISTER);
        TtlvItem p = item.payload();
        assertThat(p.child(Tag.OBJECT_TYPE).orElseThrow().enumValue()).isEqualTo(ObjectType.SYMMETRIC_KEY.value());
        TtlvItem block = p.child(Tag.SYMMETRIC_KEY).orElseThrow().child(Tag.KEY_BLOCK).orElseThrow();
        assertThat(block.child(Tag.KEY_FORMAT_TYPE).orElseThrow().enumValue()).isEqualTo(KeyFormatType.RAW.value());
        assertThat(block.child(Tag.KEY_VALUE).orElseThrow().child(Tag.KEY_MATERIAL).orElseThrow().bytesValue()).isEqualTo(key);
        assertThat(block.child(Tag.CRYPTOGRAPHIC_ALGORITHM).orElseThrow().enumValue()).isEqualTo(CryptographicAlgorithm.AES.value());
        assertThat(block.child(Tag.CRYPTOGRAPHIC_LENGTH).orElseThrow().intValue()).isEqualTo(256);
        assertThat(byName(AttributeMapping.fromAttributes(p.child(Tag.ATTRIBUTES).orElseThrow()))
                .get("Cryptographic Usage Mask").intValue()).isEqualTo(4 | 8);
    }

    @Test
    void registerAes_v12_usesTemplateAttribute_andRefusesOddKeyLengths() throws Exception {
        TtlvItem p = decode(KmipRequests.registerAes(KmipVersion.V1_2, new byte[32])).batchItems().get(0).payload();

        assertThat(p.child(Tag.TEMPLATE_ATTRIBUTE)).isPresent();
        assertThat(p.child(Tag.ATTRIBUTES)).isEmpty();
        assertThatThrownBy(() -> KmipRequests.registerAes(KmipVersion.V1_2, new byte[31]))
                .hasMessage("an AES key has 16, 24 or 32 bytes, not 31");
    }

    @Test
    void discoverVersions_fromKmip11_isDiscoverVersionsWithAnEmptyPayload() throws Exception {
        for (KmipVersion v : List.of(KmipVersion.V1_1, KmipVersion.V1_2, KmipVersion.V2_1)) {
            RequestMessage m = decode(KmipRequests.discoverVersions(v));

            assertThat(m.header().protocolVersion()).isEqualTo(v);
            assertThat(m.batchItems()).hasSize(1);
            assertThat(m.batchItems().get(0).operation()).contains(Operation.DISCOVER_VERSIONS);
            assertThat(m.batchItems().get(0).payload().tag()).isEqualTo(Tag.REQUEST_PAYLOAD);
            assertThat(m.batchItems().get(0).payload().children()).isEmpty();
        }
    }

    @Test
    void discoverVersions_kmip10_isQueryOfQueryOperations() throws Exception {
        RequestMessage m = decode(KmipRequests.discoverVersions(KmipVersion.V1_0));

        assertThat(m.header().protocolVersion()).isEqualTo(KmipVersion.V1_0);
        RequestBatchItem item = m.batchItems().get(0);
        assertThat(item.operation()).contains(Operation.QUERY);
        assertThat(item.payload().children()).hasSize(1);
        assertThat(item.payload().child(Tag.QUERY_FUNCTION).orElseThrow().enumValue())
                .isEqualTo(io.keyhold.protocol.spec.QueryFunction.QUERY_OPERATIONS.value());
    }
}
