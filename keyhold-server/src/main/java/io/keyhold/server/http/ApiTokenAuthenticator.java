package io.keyhold.server.http;

import io.keyhold.protocol.KmipException;
import io.keyhold.server.auth.ApiTokens;
import java.util.Optional;

/**
 * Bearer tokens checked against the store's API tokens ({@code keyhold token create}): the caller is the
 * token's identity, within the token's scope. Each check reads the store, so a revoked token stops working at
 * once on every node.
 */
public final class ApiTokenAuthenticator implements BearerAuthenticator {
    private final ApiTokens tokens;

    public ApiTokenAuthenticator(ApiTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Optional<Caller> authenticate(String token) {
        try {
            return tokens.authenticate(token)
                    .map(b -> new Caller(b.identity(), b.scope(), Caller.Method.TOKEN, b.tokenId()));
        } catch (KmipException e) {
            throw new IllegalStateException("the API token store cannot be read: " + e.getMessage(), e);
        }
    }
}
