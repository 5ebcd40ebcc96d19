package io.qwen4j.cli;

import io.qwen4j.hub.HubConfig;
import java.util.function.Supplier;

/**
 * Commands and mixins that reach the model hub receive its configuration from the command line's factory, read
 * from the environment on first use (tests hand in a local fake hub instead of changing the process environment).
 */
interface UsesHub {
    Supplier<HubConfig> FROM_ENVIRONMENT = () -> HubConfig.fromEnvironment(System.getenv());

    void hub(Supplier<HubConfig> config);
}
