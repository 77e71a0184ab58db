package dev.laminar.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * Where the shell's lines come from: a terminal with line editing and persistent history, or plain
 * piped input. Used by one thread.
 */
interface LineInput extends AutoCloseable {
  /** Ctrl-C while typing: the line being typed is dropped. */
  final class LineCancelled extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LineCancelled() {
      super("line cancelled", null, false, false);
    }
  }

  /** Restores the previous Ctrl-C behaviour when closed. */
  interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  /** The next line without its line break; null at the end of input (Ctrl-D). */
  String readLine(String prompt);

  /** Until the returned registration is closed, Ctrl-C runs {@code action} (it stops a running query). */
  Registration onInterrupt(Runnable action);

  @Override
  void close();

  /** Piped input: no prompts, no editing; Ctrl-C ends the process (its shutdown hook closes the engine). */
  static LineInput plain(InputStream in) {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    return new LineInput() {
      @Override
      public String readLine(String prompt) {
        try {
          return reader.readLine();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public Registration onInterrupt(Runnable action) {
        return () -> {};
      }

      @Override
      public void close() {
        // stdin is not ours to close
      }
    };
  }

  /** The terminal, with line editing and history kept in {@code historyFile}. */
  static LineInput terminal(Path historyFile) throws IOException {
    Terminal terminal = TerminalBuilder.builder().system(true).build();
    LineReader reader = LineReaderBuilder.builder()
        .terminal(terminal)
        .appName("laminar")
        .variable(LineReader.HISTORY_FILE, historyFile)
        // '!' is SQL (<>, !=), not a history reference
        .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
        .build();
    return new LineInput() {
      @Override
      public String readLine(String prompt) {
        try {
          return reader.readLine(prompt);
        } catch (UserInterruptException e) {
          throw new LineCancelled();
        } catch (EndOfFileException e) {
          return null;
        }
      }

      @Override
      public Registration onInterrupt(Runnable action) {
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, signal -> action.run());
        return () -> terminal.handle(Terminal.Signal.INT, previous);
      }

      @Override
      public void close() {
        try {
          reader.getHistory().save();
          terminal.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }
}
