# The board's main loop: serve the USB serial line until Ctrl-C, then leave the outputs safe.
# It runs in main.py itself, and imports the core verbs first, because a micro:bit v1 has
# the most free heap now and too little C stack to compile a module from deep in a call.
import kb_agent  # first: compiling it needs the most free heap
import kb_board
import kb_sys

hal = __import__(kb_board.HAL)
ag = kb_agent.Agent(hal)
ag.event('boot')
# boot hooks {
# Modules deployed with a boot(ag) hook (a stored model, the Wi-Fi link) start now; what a hook
# returns runs every turn of the loop, and a deadman or reset does not stop it. Deploy leaves
# these blocks out where kb_board has no BOOT: on a micro:bit v1 they would cost 224 bytes.
# A plain loop, not a comprehension: one C call level less for the imports (kit micro:bit v1 image).
run = []
for m in getattr(kb_board, 'BOOT', ()):
    f = __import__(m).boot(ag)
    if f:
        run.append(f)
# }

def serve():
    # the loop, apart from the set-up above: on the kit's micro:bit v1 image this file is built
    # in as kb_main, and a loop run inside `import kb_main` would be too deep for its C stack
    try:
        while True:
            try:
                d = hal.read()
                if d:
                    ag.feed(d)
                else:
                    hal.idle(1)
                ag.poll()
                # boot hooks {
                for f in run:
                    f()
                # }
            except MemoryError:
                ag.buf = b''
                ag.event('warn E_MEM')
    finally:
        ag.safe()


if __name__ == '__main__':
    serve()
