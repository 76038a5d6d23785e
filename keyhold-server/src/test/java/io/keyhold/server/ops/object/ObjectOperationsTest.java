package io.keyhold.server.ops.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.keyhold.protocol.spec.Operation;
import io.keyhold.server.ops.OperationHandler;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class ObjectOperationsTest {

    @Test
    void handlers_coverEachObjectOperationOnce() {
        assertThat(ObjectOperations.handlers(new SecureRandom())).extracting(OperationHandler::operation)
                .containsExactlyInAnyOrder(Operation.CREATE, Operation.REGISTER, Operation.GET, Operation.LOCATE,
                        Operation.CHECK, Operation.ACTIVATE, Operation.REVOKE, Operation.DESTROY, Operation.ARCHIVE,
                        Operation.RECOVER, Operation.OBTAIN_LEASE, Operation.GET_USAGE_ALLOCATION);
    }

    @Test
    void handlers_needARandomSource() {
        assertThatNullPointerException().isThrownBy(() -> ObjectOperations.handlers(null));
    }
}
