# Feeds fuzz inputs to the firmware agent and counts what escapes: used by tools/fuzz under CPython
# and, unchanged, under MicroPython's WebAssembly port (so: the firmware's MicroPython subset).
# The HAL is tests/wasm/kb_hal_fake.py, which kb_board.HAL names.
import kb_agent
import kb_hal_fake as H


def fletcher(s):
    a = b = 0
    for c in bytes(s, 'ascii'):
        a = (a + c) % 255
        b = (b + a) % 255
    return '%04x' % (b * 256 + a)


class Fuzz:
    def __init__(self):
        self.inputs = 0
        self.crashes = 0
        self.internal = 0  # answers 'err E_INTERNAL': handled, but worth a look
        self.reboots = 0
        self.first = []  # the first few crashes, as text
        self.ag = self.fresh()

    def fresh(self):
        H.clear()
        H.mem[0] = 9000
        return kb_agent.Agent(H)

    def crash(self, what):
        self.crashes += 1
        if len(self.first) < 5:
            self.first.append(what)

    def one(self, pieces):
        self.inputs += 1
        try:
            for p in pieces:
                self.ag.feed(p)
                self.ag.poll()
        except Exception as e:  # anything escaping the agent would stop the board's main loop
            self.crash('input %d %r: %r' % (self.inputs, b''.join(pieces)[:80], e))
            self.ag = self.fresh()
            return
        self.check_output(pieces)
        if ['reboot'] in H.log:  # the board restarts: a fresh agent, as main.py makes
            self.reboots += 1
            self.ag = self.fresh()
        del H.log[:]

    def check_output(self, pieces):
        text = ''.join(H.out)
        del H.out[:]
        if text and text[-1] != '\n':
            self.crash('input %d %r: unfinished line %r' % (self.inputs, b''.join(pieces)[:80], text[-80:]))
            return
        for ln in text.split('\n')[:-1]:
            for c in ln:
                if ord(c) < 32 or ord(c) > 126:
                    self.crash('input %d: unprintable answer %r' % (self.inputs, ln[:80]))
                    return
            if ln[:1] == '@' and (ln[-6:-4] != ' *' or fletcher(ln[:-6]) != ln[-4:]):
                self.crash('input %d: bad frame %r' % (self.inputs, ln[:80]))
                return
            if ' E_INTERNAL ' in ln:
                self.internal += 1

    def hello_after(self):
        # a newline ends whatever half line the inputs left, then the board must still shake hands
        self.ag.feed(b'\n')
        del H.out[:]
        body = '1 hello'
        self.ag.feed(bytes(body + ' *' + fletcher(body) + '\n', 'ascii'))
        self.ag.poll()
        text = ''.join(H.out)
        del H.out[:]
        return text.startswith('@1 ok proto=1 ')
