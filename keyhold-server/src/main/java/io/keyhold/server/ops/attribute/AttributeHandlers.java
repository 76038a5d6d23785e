package io.keyhold.server.ops.attribute;

import io.keyhold.server.ops.OperationHandler;
import java.util.List;

/** The attribute operations, for registering with the dispatcher. */
public final class AttributeHandlers {
    private AttributeHandlers() {}

    /** Get Attributes, Get Attribute List, Add, Modify, Delete, Set and Adjust Attribute. */
    public static List<OperationHandler> all() {
        return List.of(new GetAttributesHandler(), new GetAttributeListHandler(), new AddAttributeHandler(),
                new ModifyAttributeHandler(), new DeleteAttributeHandler(), new SetAttributeHandler(),
                new AdjustAttributeHandler());
    }
}
