package io.qwen4j.cli;

import io.qwen4j.hub.HubConfig;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** A command about the model store (pull, list, rm). */
abstract class HubCommand implements Callable<Integer>, UsesHub {
    Supplier<HubConfig> hub = FROM_ENVIRONMENT;

    @Override
    public void hub(Supplier<HubConfig> config) {
        this.hub = config;
    }
}
