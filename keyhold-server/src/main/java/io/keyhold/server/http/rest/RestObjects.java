package io.keyhold.server.http.rest;

import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CertificateType;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.NameType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.RecommendedCurve;
import io.keyhold.protocol.spec.RevocationReasonCode;
import io.keyhold.protocol.spec.SecretDataType;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.StorageStatusMask;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.dispatch.RequestProcessor;
import io.keyhold.server.http.HttpAnswer;
import io.keyhold.server.http.HttpCall;
import io.keyhold.server.http.HttpProblem;
import io.keyhold.server.http.Router;
import io.keyhold.server.ops.AttributeRules;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The REST API for managed objects under {@code /v1/objects}: list (Locate, then Get Attributes per object),
 * create keys and key pairs (Create, Create Key Pair, then Activate when asked), register objects (Register),
 * read metadata and attributes (Get Attributes), change attributes (Set / Add / Modify / Delete Attribute),
 * read material (Get), and Activate, Revoke, Re-key and Destroy. Every route acts by sending one KMIP 2.1
 * request as the caller through {@link KmipCalls}, so the KMIP port's access control, lifecycle rules and audit
 * apply unchanged. See docs/rest-api.md.
 */
public final class RestObjects {
    /** The most objects one page of {@code GET /v1/objects} may hold. */
    public static final int MAX_LIMIT = 500;
    static final int DEFAULT_LIMIT = 50;
    /** The vendor Opaque Data Type registered opaque objects get (KMIP defines no value of its own). */
    static final int OPAQUE_DATA_TYPE = 0x80000001;
    private static final List<String> SUMMARY = List.of("Object Type", "Name", "State", "Cryptographic Algorithm",
            "Cryptographic Length", "Initial Date");

    private final KmipCalls kmip;
    private final io.keyhold.server.store.ObjectStore store;

    private RestObjects(KmipCalls kmip, io.keyhold.server.store.ObjectStore store) {
        this.kmip = kmip;
        this.store = store;
    }

    /** Adds the {@code /v1/objects} routes, each acting through the processor as the caller. */
    public static void register(Router router, RequestProcessor processor) {
        register(router, processor, null);
    }

    /**
     * As {@link #register(Router, RequestProcessor)}; with the store, an object's metadata also tells when its
     * next scheduled rotation is due ({@code nextRotation}, docs/rotation.md).
     */
    public static void register(Router router, RequestProcessor processor, io.keyhold.server.store.ObjectStore store) {
        RestObjects o = new RestObjects(new KmipCalls(processor), store);
        Router.Access a = Router.Access.AUTHENTICATED;
        router.get("/v1/objects", a, o::list);
        router.post("/v1/objects", a, o::registerObject);
        router.post("/v1/objects/keys", a, o::createKey);
        router.post("/v1/objects/key-pairs", a, o::createKeyPair);
        router.get("/v1/objects/{id}", a, o::describe);
        router.delete("/v1/objects/{id}", a, o::destroy);
        router.get("/v1/objects/{id}/attributes", a, o::attributes);
        router.put("/v1/objects/{id}/attributes/{name}", a, o::putAttribute);
        router.delete("/v1/objects/{id}/attributes/{name}", a, o::deleteAttribute);
        router.get("/v1/objects/{id}/material", a, o::material);
        router.post("/v1/objects/{id}/activate", a, o::activate);
        router.post("/v1/objects/{id}/revoke", a, o::revoke);
        router.post("/v1/objects/{id}/re-key", a, o::reKey);
    }

    // ---- list ----

    private HttpAnswer list(HttpCall call) {
        int limit = intParam(call, "limit", DEFAULT_LIMIT);
        int offset = intParam(call, "offset", 0);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw HttpProblem.badRequest("query parameter limit must be 1 to " + MAX_LIMIT);
        }
        if (offset < 0) {
            throw HttpProblem.badRequest("query parameter offset must not be negative");
        }
        List<KmipAttribute> filter = new ArrayList<>();
        call.queryParam("name").ifPresent(n -> filter.add(KmipAttribute.of(name(n))));
        call.queryParam("type").ifPresent(t -> filter.add(KmipAttribute.of(TtlvItem.enumeration(Tag.OBJECT_TYPE,
                JsonBody.enumValue("type", ObjectType.SPEC_NAME, t)))));
        Optional<Integer> state = call.queryParam("state").map(s -> JsonBody.enumValue("state", State.SPEC_NAME, s));
        state.ifPresent(s -> filter.add(KmipAttribute.of(TtlvItem.enumeration(Tag.STATE, s))));
        call.queryParam("algorithm").ifPresent(al -> filter.add(KmipAttribute.of(TtlvItem.enumeration(
                Tag.CRYPTOGRAPHIC_ALGORITHM, JsonBody.enumValue("algorithm", CryptographicAlgorithm.SPEC_NAME, al)))));
        call.queryParam("group").ifPresent(g -> filter.add(KmipAttribute.of(TtlvItem.text(Tag.OBJECT_GROUP, g))));

        List<TtlvItem> locate = new ArrayList<>();
        locate.add(TtlvItem.integer(Tag.MAXIMUM_ITEMS, limit));
        locate.add(TtlvItem.integer(Tag.OFFSET_ITEMS, offset));
        if (state.isPresent() && (state.get() == State.DESTROYED.value()
                || state.get() == State.DESTROYED_COMPROMISED.value())) {
            // Locate leaves destroyed objects out unless the Destroyed Storage bit asks for them
            locate.add(TtlvItem.integer(Tag.STORAGE_STATUS_MASK, StorageStatusMask.ON_LINE_STORAGE.value()
                    | StorageStatusMask.DESTROYED_STORAGE.value()));
        }
        if (!filter.isEmpty()) {
            locate.add(AttributeMapping.toAttributes(Tag.ATTRIBUTES, filter));
        }
        TtlvItem found = kmip.call(call, Operation.LOCATE, TtlvItem.structure(Tag.REQUEST_PAYLOAD, locate));

        List<Map<String, Object>> items = new ArrayList<>();
        for (TtlvItem uid : found.childrenWith(Tag.UNIQUE_IDENTIFIER)) {
            Map<String, Object> attributes;
            try {
                attributes = getAttributes(call, uid.textValue(), SUMMARY);
            } catch (HttpProblem p) {
                if (p.status() == 404 || p.status() == 410) {
                    continue; // destroyed or gone since Locate answered
                }
                throw p;
            }
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", uid.textValue());
            putIfPresent(item, "type", attributes.get("Object Type"));
            putIfPresent(item, "name", firstName(attributes));
            putIfPresent(item, "state", attributes.get("State"));
            putIfPresent(item, "algorithm", attributes.get("Cryptographic Algorithm"));
            putIfPresent(item, "length", attributes.get("Cryptographic Length"));
            putIfPresent(item, "created", attributes.get("Initial Date"));
            items.add(item);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        out.put("offset", offset);
        out.put("limit", limit);
        found.child(Tag.LOCATED_ITEMS).ifPresent(n -> out.put("total", n.intValue()));
        return HttpAnswer.ok(out);
    }

    // ---- create, register ----

    private HttpAnswer createKey(HttpCall call) {
        JsonBody body = JsonBody.of(call, false);
        int algorithm = body.enumeration("algorithm", CryptographicAlgorithm.SPEC_NAME);
        List<KmipAttribute> attributes = new ArrayList<>();
        attributes.add(KmipAttribute.of(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, algorithm)));
        body.optionalInt("length").ifPresent(l -> attributes.add(KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, l))));
        attributes.add(usage(body, "usage", defaultSymmetricUsage(algorithm)));
        common(body, attributes);
        TtlvItem created = kmip.call(call, Operation.CREATE, TtlvItem.structure(Tag.REQUEST_PAYLOAD,
                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                AttributeMapping.toAttributes(Tag.ATTRIBUTES, attributes)));
        String id = uid(created);
        if (body.flag("activate", false)) {
            activateNew(call, id);
        }
        return created(id, Map.of("id", id));
    }

    private HttpAnswer createKeyPair(HttpCall call) {
        JsonBody body = JsonBody.of(call, false);
        int algorithm = body.enumeration("algorithm", CryptographicAlgorithm.SPEC_NAME);
        List<KmipAttribute> common = new ArrayList<>();
        common.add(KmipAttribute.of(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, algorithm)));
        body.optionalInt("length").ifPresent(l -> common.add(KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, l))));
        body.optionalEnumeration("curve", RecommendedCurve.SPEC_NAME).ifPresent(c -> common.add(KmipAttribute.of(
                TtlvItem.structure(Tag.CRYPTOGRAPHIC_DOMAIN_PARAMETERS, TtlvItem.enumeration(Tag.RECOMMENDED_CURVE, c)))));
        body.optionalText("group").ifPresent(g -> common.add(KmipAttribute.of(TtlvItem.text(Tag.OBJECT_GROUP, g))));
        List<KmipAttribute> privateKey = new ArrayList<>();
        privateKey.add(usage(body, "usage", CryptographicUsageMask.SIGN.value()));
        List<KmipAttribute> publicKey = new ArrayList<>();
        publicKey.add(usage(body, "publicUsage", CryptographicUsageMask.VERIFY.value()));
        Optional<String> name = body.optionalText("name");
        name.ifPresent(n -> privateKey.add(KmipAttribute.of(name(n))));
        Optional<String> publicName = body.optionalText("publicName").or(() -> name.map(n -> n + ".pub"));
        publicName.ifPresent(n -> publicKey.add(KmipAttribute.of(name(n))));
        TtlvItem created = kmip.call(call, Operation.CREATE_KEY_PAIR, TtlvItem.structure(Tag.REQUEST_PAYLOAD,
                AttributeMapping.toAttributes(Tag.COMMON_ATTRIBUTES, common),
                AttributeMapping.toAttributes(Tag.PRIVATE_KEY_ATTRIBUTES, privateKey),
                AttributeMapping.toAttributes(Tag.PUBLIC_KEY_ATTRIBUTES, publicKey)));
        String privateId = text(created, Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER);
        String publicId = text(created, Tag.PUBLIC_KEY_UNIQUE_IDENTIFIER);
        if (body.flag("activate", false)) {
            activateNew(call, privateId);
            activateNew(call, publicId);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("privateKeyId", privateId);
        out.put("publicKeyId", publicId);
        return created(privateId, out);
    }

    private HttpAnswer registerObject(HttpCall call) {
        JsonBody body = JsonBody.of(call, false);
        int type = body.enumeration("type", ObjectType.SPEC_NAME);
        byte[] material = body.bytes("material");
        if (material.length == 0) {
            throw HttpProblem.badRequest("field material is empty");
        }
        List<KmipAttribute> attributes = new ArrayList<>();
        TtlvItem object;
        if (type == ObjectType.SYMMETRIC_KEY.value()) {
            int algorithm = body.enumeration("algorithm", CryptographicAlgorithm.SPEC_NAME);
            int length = body.optionalInt("length").orElse(material.length * 8);
            object = TtlvItem.structure(Tag.SYMMETRIC_KEY, keyBlock(KeyFormatType.RAW.value(), material, algorithm, length));
            attributes.add(usage(body, "usage", defaultSymmetricUsage(algorithm)));
        } else if (type == ObjectType.PRIVATE_KEY.value() || type == ObjectType.PUBLIC_KEY.value()) {
            boolean priv = type == ObjectType.PRIVATE_KEY.value();
            int algorithm = body.enumeration("algorithm", CryptographicAlgorithm.SPEC_NAME);
            int format = body.optionalEnumeration("format", KeyFormatType.SPEC_NAME)
                    .orElse(priv ? KeyFormatType.PKCS_8.value() : KeyFormatType.X_509.value());
            int length = body.optionalInt("length").orElseThrow(() -> JsonBody.missing("length", "the key's length in bits"));
            object = TtlvItem.structure(priv ? Tag.PRIVATE_KEY : Tag.PUBLIC_KEY, keyBlock(format, material, algorithm, length));
            attributes.add(usage(body, "usage", priv ? CryptographicUsageMask.SIGN.value() : CryptographicUsageMask.VERIFY.value()));
        } else if (type == ObjectType.SECRET_DATA.value()) {
            int secretType = body.optionalEnumeration("secretType", SecretDataType.SPEC_NAME)
                    .orElse(SecretDataType.PASSWORD.value());
            object = TtlvItem.structure(Tag.SECRET_DATA, TtlvItem.enumeration(Tag.SECRET_DATA_TYPE, secretType),
                    TtlvItem.structure(Tag.KEY_BLOCK, TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.OPAQUE.value()),
                            TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, material))));
            if (body.has("usage")) {
                attributes.add(usage(body, "usage", 0));
            }
        } else if (type == ObjectType.CERTIFICATE.value()) {
            object = TtlvItem.structure(Tag.CERTIFICATE,
                    TtlvItem.enumeration(Tag.CERTIFICATE_TYPE, CertificateType.X_509.value()),
                    TtlvItem.bytes(Tag.CERTIFICATE_VALUE, material));
        } else if (type == ObjectType.OPAQUE_OBJECT.value()) {
            object = TtlvItem.structure(Tag.OPAQUE_OBJECT, TtlvItem.enumeration(Tag.OPAQUE_DATA_TYPE, OPAQUE_DATA_TYPE),
                    TtlvItem.bytes(Tag.OPAQUE_DATA_VALUE, material));
        } else {
            throw HttpProblem.badRequest("field type: objects of type " + AttributeJson.enumName(Tag.OBJECT_TYPE, type)
                    + " cannot be registered here (expected: Symmetric Key, Private Key, Public Key, Secret Data,"
                    + " Certificate or Opaque Object)");
        }
        common(body, attributes);
        TtlvItem registered = kmip.call(call, Operation.REGISTER, TtlvItem.structure(Tag.REQUEST_PAYLOAD,
                TtlvItem.enumeration(Tag.OBJECT_TYPE, type),
                AttributeMapping.toAttributes(Tag.ATTRIBUTES, attributes), object));
        String id = uid(registered);
        if (body.flag("activate", false)) {
            activateNew(call, id);
        }
        return created(id, Map.of("id", id));
    }

    private static TtlvItem keyBlock(int format, byte[] material, int algorithm, int length) {
        return TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, format),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, material)),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, algorithm),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, length));
    }

    /** Name and Object Group, when the body gives them. */
    private static void common(JsonBody body, List<KmipAttribute> attributes) {
        body.optionalText("name").ifPresent(n -> attributes.add(KmipAttribute.of(name(n))));
        body.optionalText("group").ifPresent(g -> attributes.add(KmipAttribute.of(TtlvItem.text(Tag.OBJECT_GROUP, g))));
    }

    private static int defaultSymmetricUsage(int algorithm) {
        String name = AttributeJson.enumName(Tag.CRYPTOGRAPHIC_ALGORITHM, algorithm);
        return name.startsWith("HMAC")
                ? CryptographicUsageMask.MAC_GENERATE.value() | CryptographicUsageMask.MAC_VERIFY.value()
                : CryptographicUsageMask.ENCRYPT.value() | CryptographicUsageMask.DECRYPT.value();
    }

    private static KmipAttribute usage(JsonBody body, String field, int absent) {
        int mask = absent;
        if (body.has(field)) {
            mask = 0;
            for (String bit : body.texts(field)) {
                mask |= JsonBody.enumValue(field, CryptographicUsageMask.SPEC_NAME, bit);
            }
        }
        return KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK, mask));
    }

    // ---- read ----

    private HttpAnswer describe(HttpCall call) {
        String id = call.pathParam("id");
        Map<String, Object> all = getAttributes(call, id, List.of());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        putIfPresent(out, "type", all.get("Object Type"));
        putIfPresent(out, "state", all.get("State"));
        putIfPresent(out, "name", firstName(all));
        out.put("names", names(all));
        putIfPresent(out, "algorithm", all.get("Cryptographic Algorithm"));
        putIfPresent(out, "length", all.get("Cryptographic Length"));
        putIfPresent(out, "usage", all.get("Cryptographic Usage Mask"));
        putIfPresent(out, "group", all.get("Object Group"));
        Map<String, Object> dates = new LinkedHashMap<>();
        all.forEach((name, value) -> {
            if (name.endsWith(" Date")) {
                dates.put(camel(name.substring(0, name.length() - 5)), value);
            }
        });
        out.put("dates", dates);
        List<Map<String, Object>> links = new ArrayList<>();
        for (Object link : asList(all.get("Link"))) {
            if (link instanceof Map<?, ?> l) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("type", l.get("Link Type"));
                one.put("id", l.get("Linked Object Identifier"));
                links.add(one);
            }
        }
        out.put("links", links);
        nextRotation(id).ifPresent(p -> {
            p.dueDate().ifPresent(d -> out.put("nextRotation", d.toString()));
            out.put("rotationRule", p.rule().source());
            if (p.rule().maxUses() != null) {
                out.put("rotationUses", p.uses());
                out.put("rotationMaxUses", p.rule().maxUses());
            }
        });
        out.put("attributes", all);
        return HttpAnswer.ok(out);
    }

    /** When the object's next scheduled rotation is due; read after Get Attributes let the caller see it. */
    private Optional<io.keyhold.server.rotation.RotationSchedule.Planned> nextRotation(String id) {
        if (store == null) {
            return Optional.empty();
        }
        try {
            return store.read(tx -> tx.get(id).flatMap(o ->
                    io.keyhold.server.rotation.RotationSchedule.plan(tx, o, tx.rotationPolicies())));
        } catch (io.keyhold.protocol.KmipException e) {
            return Optional.empty();
        }
    }

    private HttpAnswer attributes(HttpCall call) {
        return HttpAnswer.ok(getAttributes(call, call.pathParam("id"), List.of()));
    }

    /** Get Attributes of the named attributes (all when none), as a name to value map. */
    private Map<String, Object> getAttributes(HttpCall call, String id, List<String> names) {
        List<TtlvItem> request = new ArrayList<>();
        request.add(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, id));
        for (String n : names) {
            request.add(AttributeJson.reference(n));
        }
        TtlvItem answer = kmip.call(call, Operation.GET_ATTRIBUTES, TtlvItem.structure(Tag.REQUEST_PAYLOAD, request));
        return answer.child(Tag.ATTRIBUTES).map(AttributeJson::map).orElseGet(LinkedHashMap::new);
    }

    private HttpAnswer material(HttpCall call) {
        String id = call.pathParam("id");
        List<TtlvItem> request = new ArrayList<>();
        request.add(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, id));
        Optional<Integer> format = call.queryParam("format").map(f -> JsonBody.enumValue("format", KeyFormatType.SPEC_NAME, f));
        format.ifPresent(f -> request.add(TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, f)));
        TtlvItem got = kmip.call(call, Operation.GET, TtlvItem.structure(Tag.REQUEST_PAYLOAD, request));
        int type = got.child(Tag.OBJECT_TYPE).map(TtlvItem::enumValue).orElse(-1);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("type", AttributeJson.enumName(Tag.OBJECT_TYPE, type));
        TtlvItem object = got.children().stream()
                .filter(c -> c.tag() != Tag.OBJECT_TYPE && c.tag() != Tag.UNIQUE_IDENTIFIER && c.isStructure())
                .findFirst().orElseThrow(() -> new IllegalStateException("Get answered without an object"));
        Optional<TtlvItem> block = object.child(Tag.KEY_BLOCK);
        byte[] bytes;
        if (block.isPresent()) {
            block.get().child(Tag.KEY_FORMAT_TYPE).ifPresent(f -> out.put("format", AttributeJson.enumName(f.tag(), f.enumValue())));
            TtlvItem keyValue = block.get().child(Tag.KEY_VALUE)
                    .orElseThrow(() -> new IllegalStateException("Get answered a Key Block without a Key Value"));
            if (block.get().child(Tag.KEY_WRAPPING_DATA).isPresent()) {
                out.put("wrapped", true);
            }
            if (keyValue.type() == ItemType.BYTE_STRING) {
                bytes = keyValue.bytesValue();
            } else {
                TtlvItem keyMaterial = keyValue.child(Tag.KEY_MATERIAL)
                        .orElseThrow(() -> new IllegalStateException("Get answered a Key Value without Key Material"));
                if (keyMaterial.type() != ItemType.BYTE_STRING) {
                    throw new HttpProblem(422, "unsupported-format", "The material cannot be shown in this format",
                            "the material in format " + out.get("format") + " is a structure; ask for a format whose"
                                    + " material is a byte string (Raw, Opaque, PKCS#1, PKCS#8, X.509)");
                }
                bytes = keyMaterial.bytesValue();
            }
        } else {
            bytes = object.child(Tag.CERTIFICATE_VALUE).or(() -> object.child(Tag.OPAQUE_DATA_VALUE))
                    .filter(v -> v.type() == ItemType.BYTE_STRING).map(TtlvItem::bytesValue)
                    .orElseThrow(() -> new HttpProblem(422, "unsupported-type", "The object has no material to show",
                            "objects of type " + out.get("type") + " have no byte material"));
        }
        out.put("material", Base64.getEncoder().encodeToString(bytes));
        return HttpAnswer.ok(out);
    }

    // ---- attributes ----

    private HttpAnswer putAttribute(HttpCall call) {
        String id = call.pathParam("id");
        String name = AttributeJson.canonicalName(call.pathParam("name"));
        JsonBody body = JsonBody.of(call, false);
        if (!body.has("value")) {
            throw JsonBody.missing("value", "the attribute's value");
        }
        KmipAttribute value = AttributeJson.attribute(name, body.node("value"));
        TtlvItem newAttribute = TtlvItem.structure(Tag.NEW_ATTRIBUTE, AttributeMapping.toAttributeItem(value));
        if (body.has("current")) {
            KmipAttribute current = AttributeJson.attribute(name, body.node("current"));
            kmip.call(call, Operation.MODIFY_ATTRIBUTE, TtlvItem.structure(Tag.REQUEST_PAYLOAD,
                    TtlvItem.text(Tag.UNIQUE_IDENTIFIER, id),
                    TtlvItem.structure(Tag.CURRENT_ATTRIBUTE, AttributeMapping.toAttributeItem(current)), newAttribute));
        } else {
            Operation op = AttributeRules.isMultiValued(name) ? Operation.ADD_ATTRIBUTE : Operation.SET_ATTRIBUTE;
            kmip.call(call, op, TtlvItem.structure(Tag.REQUEST_PAYLOAD, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, id),
                    newAttribute));
        }
        Map<String, Object> now = getAttributes(call, id, List.of(name));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("value", now.get(name));
        return HttpAnswer.ok(out);
    }

    private HttpAnswer deleteAttribute(HttpCall call) {
        String id = call.pathParam("id");
        String name = AttributeJson.canonicalName(call.pathParam("name"));
        kmip.call(call, Operation.DELETE_ATTRIBUTE, TtlvItem.structure(Tag.REQUEST_PAYLOAD,
                TtlvItem.text(Tag.UNIQUE_IDENTIFIER, id), AttributeJson.reference(name)));
        return HttpAnswer.noContent();
    }

    // ---- lifecycle ----

    private HttpAnswer activate(HttpCall call) {
        activate(call, call.pathParam("id"));
        return HttpAnswer.noContent();
    }

    private void activate(HttpCall call, String id) {
        kmip.call(call, Operation.ACTIVATE, TtlvItem.structure(Tag.REQUEST_PAYLOAD, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, id)));
    }

    /** Activates a new object; when that fails the problem says which object was created and left Pre-Active. */
    private void activateNew(HttpCall call, String id) {
        try {
            activate(call, id);
        } catch (HttpProblem p) {
            Map<String, Object> extensions = new LinkedHashMap<>(p.extensions());
            extensions.put("createdId", id);
            throw new HttpProblem(p.status(), p.type(), p.title(), "object " + id + " was created but not activated: "
                    + p.getMessage(), extensions);
        }
    }

    private HttpAnswer revoke(HttpCall call) {
        String id = call.pathParam("id");
        JsonBody body = JsonBody.of(call, false);
        int code = body.enumeration("reason", RevocationReasonCode.SPEC_NAME);
        List<TtlvItem> reason = new ArrayList<>();
        reason.add(TtlvItem.enumeration(Tag.REVOCATION_REASON_CODE, code));
        body.optionalText("message").ifPresent(m -> reason.add(TtlvItem.text(Tag.REVOCATION_MESSAGE, m)));
        List<TtlvItem> request = new ArrayList<>();
        request.add(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, id));
        request.add(TtlvItem.structure(Tag.REVOCATION_REASON, reason));
        body.optionalInstant("compromiseDate").ifPresent(d -> request.add(
                TtlvItem.dateTime(Tag.COMPROMISE_OCCURRENCE_DATE, d.getEpochSecond())));
        kmip.call(call, Operation.REVOKE, TtlvItem.structure(Tag.REQUEST_PAYLOAD, request));
        return HttpAnswer.noContent();
    }

    private HttpAnswer reKey(HttpCall call) {
        String id = call.pathParam("id");
        JsonBody body = JsonBody.of(call, true);
        List<TtlvItem> request = new ArrayList<>();
        request.add(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, id));
        body.optionalInt("offset").ifPresent(o -> request.add(TtlvItem.interval(Tag.OFFSET, o)));
        TtlvItem answer = kmip.call(call, Operation.RE_KEY, TtlvItem.structure(Tag.REQUEST_PAYLOAD, request));
        String replacement = uid(answer);
        return created(replacement, Map.of("id", replacement));
    }

    private HttpAnswer destroy(HttpCall call) {
        kmip.call(call, Operation.DESTROY, TtlvItem.structure(Tag.REQUEST_PAYLOAD,
                TtlvItem.text(Tag.UNIQUE_IDENTIFIER, call.pathParam("id"))));
        return HttpAnswer.noContent();
    }

    // ---- helpers ----

    static TtlvItem name(String value) {
        return TtlvItem.structure(Tag.NAME, TtlvItem.text(Tag.NAME_VALUE, value),
                TtlvItem.enumeration(Tag.NAME_TYPE, NameType.UNINTERPRETED_TEXT_STRING.value()));
    }

    private static HttpAnswer created(String id, Map<String, Object> body) {
        return HttpAnswer.json(201, body).withHeader("Location", "/v1/objects/" + id);
    }

    private static String uid(TtlvItem payload) {
        return text(payload, Tag.UNIQUE_IDENTIFIER);
    }

    private static String text(TtlvItem payload, int tag) {
        return payload.child(tag).filter(t -> t.type() == ItemType.TEXT_STRING).map(TtlvItem::textValue)
                .orElseThrow(() -> new IllegalStateException("the response has no " + io.keyhold.protocol.spec.SpecTable.get().tag(tag)
                        .map(io.keyhold.protocol.spec.TagDefinition::name).orElse("identifier")));
    }

    private static int intParam(HttpCall call, String name, int absent) {
        Optional<String> v = call.queryParam(name);
        if (v.isEmpty() || v.get().isEmpty()) {
            return absent;
        }
        try {
            return Integer.parseInt(v.get());
        } catch (NumberFormatException e) {
            throw HttpProblem.badRequest("query parameter " + name + " must be an integer");
        }
    }

    private static List<Object> asList(Object value) {
        if (value == null) {
            return List.of();
        }
        return value instanceof List<?> l ? new ArrayList<>(l) : List.of(value);
    }

    private static List<Object> names(Map<String, Object> attributes) {
        List<Object> out = new ArrayList<>();
        for (Object n : asList(attributes.get("Name"))) {
            if (n instanceof Map<?, ?> m && m.get("Name Value") != null) {
                out.add(m.get("Name Value"));
            }
        }
        return out;
    }

    private static Object firstName(Map<String, Object> attributes) {
        List<Object> names = names(attributes);
        return names.isEmpty() ? null : names.get(0);
    }

    private static void putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** "Compromise Occurrence" as "compromiseOccurrence". */
    static String camel(String words) {
        StringBuilder sb = new StringBuilder();
        for (String w : words.trim().split("\\s+")) {
            if (w.isEmpty()) {
                continue;
            }
            sb.append(sb.length() == 0 ? w.toLowerCase(Locale.ROOT)
                    : Character.toUpperCase(w.charAt(0)) + w.substring(1).toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }
}
