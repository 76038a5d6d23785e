package io.keyhold.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code keyhold completion bash|zsh}: prints the shell completion script of every keyhold command and
 * option (picocli's; the same script serves zsh through bashcompinit).
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "Prints the shell completion script of keyhold for bash or zsh.",
        footer = {"", "Examples:", "  source <(keyhold completion bash)       # in ~/.bashrc",
                "  source <(keyhold completion zsh)        # in ~/.zshrc"})
final class CompletionCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    String shell;

    @Override
    public Integer call() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw new ParameterException(spec.commandLine(), "unknown shell '" + shell + "' (expected: bash, zsh)");
        }
        spec.commandLine().getOut().print(AutoComplete.bash("keyhold", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
