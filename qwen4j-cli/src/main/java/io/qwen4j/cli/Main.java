package io.qwen4j.cli;

import io.qwen4j.hub.HubConfig;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code qwen4j} command line. */
@Command(name = "qwen4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Run Qwen models from GGUF files, in pure Java.",
        subcommands = {RunCommand.class, ChatCommand.class, InspectCommand.class, LogitsCommand.class,
                DemoCommand.class, RandomModelCommand.class, BenchCommand.class, ServeCommand.class, TemplateCommand.class,
                TokenizeCommand.class, DetokenizeCommand.class,
                QuantizeCommand.class, CommandLine.HelpCommand.class, PullCommand.class, ListCommand.class, RmCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return commandLine(UsesHub.FROM_ENVIRONMENT);
    }

    /** The command line with the model hub it pulls from and stores into (tests pass a local one). */
    static CommandLine commandLine(Supplier<HubConfig> hub) {
        // Picocli creates commands and mixins through the factory: hand the hub to those that use it.
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                K object = CommandLine.defaultFactory().create(type);
                if (object instanceof UsesHub user) user.hub(hub);
                return object;
            }
        };
        var cl = new CommandLine(new Main(), factory);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            // Expected failures (bad file, overflow) get one clear line, not a stack trace.
            String msg = ex instanceof java.nio.file.NoSuchFileException nsf ? "no such file or directory: " + nsf.getFile()
                    + (nsf.getReason() != null ? " (" + nsf.getReason() + ")" : "")
                    : ex.getMessage() != null ? ex.getMessage() : ex.toString();
            commandLine.getErr().println("error: " + msg);
            if (System.getenv("QWEN4J_DEBUG") != null) ex.printStackTrace(commandLine.getErr());
            return 1;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"qwen4j " + (v != null ? v : "dev") + " (Java " + Runtime.version() + ")"};
        }
    }
}
