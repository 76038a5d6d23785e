package io.keyhold.server.config;

/**
 * A configuration the server cannot start with. The message names the setting and says what is wrong
 * ("tls.certificate: file /etc/keyhold/server.pem does not exist"); it is meant to be shown as it is.
 */
public final class ConfigException extends Exception {
    private final String setting;

    public ConfigException(String setting, String problem) {
        super(setting + ": " + problem);
        this.setting = setting;
    }

    /** The setting's path ("limits.max_connections"), or the file name for a problem with the file itself. */
    public String setting() {
        return setting;
    }
}
