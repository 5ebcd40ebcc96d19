package io.qwen4j.cli;

import io.qwen4j.hub.HubConfig;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code qwen4j} command line. */
@Command(name = "qwen4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Run Qwen models from GGUF files, in pure Java.")
public final class Main implements Runnable {
    /** The subcommands, in the order the usage lists them. */
    static final List<Class<?>> COMMANDS = List.of(RunCommand.class, ChatCommand.class, InspectCommand.class,
            LogitsCommand.class, DemoCommand.class, RandomModelCommand.class, BenchCommand.class, ServeCommand.class,
            TemplateCommand.class, TokenizeCommand.class, DetokenizeCommand.class, QuantizeCommand.class,
            CommandLine.HelpCommand.class, PullCommand.class, ListCommand.class, RmCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine(UsesHub.FROM_ENVIRONMENT, args.length > 0 ? args[0] : null).execute(args));
    }

    static CommandLine commandLine() {
        return commandLine(UsesHub.FROM_ENVIRONMENT);
    }

    /** The command line with the model hub it pulls from and stores into (tests pass a local one). */
    static CommandLine commandLine(Supplier<HubConfig> hub) {
        return commandLine(hub, null);
    }

    /**
     * The command line for arguments that start with {@code first}: when that names a subcommand, only that one is
     * registered. Picocli reflects over every registered command's options up front, which took ~0.12 s of the time
     * to a first token with all sixteen; usage, help and unknown commands still see them all.
     */
    static CommandLine commandLine(Supplier<HubConfig> hub, String first) {
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
        Class<?> named = COMMANDS.stream().filter(c -> c != CommandLine.HelpCommand.class && names(c).contains(first))
                .findFirst().orElse(null);
        for (Class<?> command : COMMANDS) {
            if (named == null || command == named) cl.addSubcommand(command);
        }
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

    /** A command's name and aliases, from its annotation (reading it costs no reflection over the options). */
    static List<String> names(Class<?> command) {
        Command c = command.getAnnotation(Command.class);
        var names = new java.util.ArrayList<>(List.of(c.name()));
        names.addAll(List.of(c.aliases()));
        return names;
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
