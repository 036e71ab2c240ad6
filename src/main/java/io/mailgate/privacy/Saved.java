package io.mailgate.privacy;

/** How a create or an update of a keyed, named record went: fidesops tells a taken key from a taken name. */
public enum Saved {
    SAVED, KEY_TAKEN, NAME_TAKEN;

    /** fidesops' KeyOrNameAlreadyExists text for a record of this model (ConnectionConfig, StorageConfig). */
    String failure(String model, String key, String name) {
        return this == KEY_TAKEN ? "Key " + key + " already exists in " + model + ". Keys will be snake-cased names if not "
                + "provided. If you are seeing this error without providing a key, please provide a key or a different name."
                : "Name " + name + " already exists in " + model + ".";
    }
}
