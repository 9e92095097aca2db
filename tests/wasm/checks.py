# The wasm layer's checks, run by MicroPython 1.27 (WebAssembly) in tests/wasm/runner.mjs.
# They drive the real firmware's Agent through feed()/poll() over the fake HAL (kb_hal_fake.py)
# and report one result per check_* function (test_wasm.py asserts each), then the protocol
# vectors (wasm_vectors.py). Written in the firmware's MicroPython subset, like the code it tests.
import os

import kb_agent
import kb_board as B
import kb_hal_fake as H
from wasm_helpers import (H_PINS, LETTER, Skip, answer, ask, eq, fail, fletcher, fresh, ok, pins, printable,
                          report, req, taken, trace, words)
from wasm_vectors import run_vectors

CHECKS = []


def check(f):
    CHECKS.append(f)
    return f


@check
def check_firmware_compiles():
    names = [n for n in os.listdir('/') if n.endswith('.py')]
    for n in names:
        f = open('/' + n)
        src = f.read()
        f.close()
        compile(src, n, 'exec')
    if 'kb_agent.py' not in names or 'main.py' not in names:
        fail('firmware files missing from the file system: %r' % names)


@check
def check_drivers_import():
    # a driver is kb_d_<verb>.py, as the agent finds it; kb_d_<verb>_<part>.py is a module it imports
    names = ['kb_sys'] + [n[:-3] for n in os.listdir('/') if n.startswith('kb_d_') and n[5:-3].isalpha()]
    for m in names:
        if not hasattr(__import__(m), 'run'):
            fail(m + ' has no run()')


@check
def check_hello_typed():
    ag = fresh()
    got = ask(ag, b'hello\n')
    eq(len(got), 1, 'answers %r' % got)
    w = got[0].split(' ')
    eq(w[0], 'ok', 'status')
    f = dict([x.split('=', 1) for x in w[1:]])
    want = {'proto': '1', 'fw': kb_agent.FW, 'board': B.KIND, 'uid': H.uid,
            'rx': str(B.RX), 'line': str(B.LINE), 'dev': B.DEV}
    for k in want:
        eq(f.get(k), want[k], 'hello ' + k)
    if int(f['heap']) <= 0:
        fail('heap=%s' % f['heap'])


@check
def check_hello_framed():
    ag = fresh()
    text = ok(ag, 1, 'hello')
    if not text.startswith('proto=1 fw=' + kb_agent.FW + ' board=' + B.KIND + ' '):
        fail('hello said %r' % text)


@check
def check_ping():
    ag = fresh(ms=(1 << 24) + 1234)
    eq(ok(ag, 2, 'ping'), '1234', 'ping (ticks mod 2**24)')
    eq(ask(ag, b'ping\n'), ['ok 1234'], 'typed ping')


@check
def check_pin_write_read():
    n = pins('O')[0]
    ag = fresh()
    eq(ok(ag, 3, 'pin %d write 1' % n), '', 'write answer')
    eq(ok(ag, 4, 'pin %d write 0' % n), '', 'write answer')
    eq(H.log, [['pin', n, 'write', 1, 0], ['pin', n, 'write', 0, 0]], 'HAL calls')
    H.level[n] = 1
    eq(ok(ag, 5, 'pin %d read' % n), '1', 'read of a high pin')
    H.level[n] = 0
    eq(ok(ag, 6, 'pin %d' % n), '0', 'bare pin N reads')


@check
def check_pin_analog_pwm_pull():
    ag = fresh()
    a = pins('A')[0]
    H.analog[a] = 700
    eq(ok(ag, 7, 'pin %d analog' % a), '700', 'analog')
    p = pins('P')[0]
    ok(ag, 8, 'pin %d pwm 512' % p)
    ok(ag, 9, 'pin %d pwm 1023 %d' % (p, B.PWM_HZ))
    i = pins('I')[0]
    for k in ('up', 'down', 'none'):
        ok(ag, 10, 'pin %d pull %s' % (i, k))
    eq(H.log, [['pin', a, 'analog', 0, 0], ['pin', p, 'pwm', 512, 0], ['pin', p, 'pwm', 1023, B.PWM_HZ],
               ['pin', i, 'pull', 1, 0], ['pin', i, 'pull', 2, 0], ['pin', i, 'pull', 0, 0]], 'HAL calls')


@check
def check_led():
    ag = fresh()
    ok(ag, 11, 'led 1')
    eq(ok(ag, 12, 'led'), '1', 'led after led 1')
    ok(ag, 13, 'led 0')
    eq(ok(ag, 14, 'led'), '0', 'led after led 0')
    eq(answer(ag, 15, 'led 2')[:2], ['err', 'E_RANGE'], 'led 2')
    eq(H.log, [['led', 1], ['led', None], ['led', 0], ['led', None]], 'HAL calls')


@check
def check_button():
    ag = fresh()
    for b in B.BTN:
        H.pressed[b] = True
        eq(ok(ag, 16, 'button ' + b), '1', 'button %s pressed' % b)
        H.pressed[b] = False
        eq(ok(ag, 17, 'button ' + b), '0', 'button %s released' % b)
    eq(answer(ag, 18, 'button z')[:2], ['err', 'E_ARG'], 'button z')


@check
def check_button_events():
    if not B.BTN:
        raise Skip('this board has no buttons')
    b = B.BTN[0]
    ag = fresh()
    seen = []
    for step in range(12):
        if step == 3:
            H.pressed[b] = True
        if step == 8:
            H.pressed[b] = False
        H.now[0] += 20
        ag.poll()
        seen.extend(taken())
    eq(len(seen), 2, 'events %r' % seen)
    w0, w1 = words(seen[0]), words(seen[1])
    eq(w0[2:], ['button', b, 'down'], 'first event')
    eq(w1[2:], ['button', b, 'up'], 'second event')
    eq([w0[0], w1[0]], ['@!1', '@!2'], 'sequence numbers')
    eq(int(w0[1]), 1000 + 4 * 20, 'ticks of the press')


@check
def check_errors():
    ag = fresh()
    o = pins('O')[0]
    absent = [i for i in range(len(H_PINS)) if H_PINS[i] == '-']
    absent = absent[0] if absent else len(H_PINS)
    cases = [
        (req(5, 'fly'), '@5', 'E_VERB'),
        (req(5, 'pin2 0'), '@5', 'E_VERB'),
        (req(5, 'HELLO'), '@5', 'E_VERB'),
        (req(5, 'kb_agent'), '@5', 'E_VERB'),
        (bytes('7 pin %d write 1 *0000\n' % o, 'ascii'), '@7', 'E_CHECK'),
        (b'7 pin\x01 0 *0000\n', '@7', 'E_FRAME'),
        (b'\xff\xfehello\n', None, 'E_FRAME'),
        (b'   \n', None, 'E_FRAME'),
        (req(7, ''), '@7', 'E_FRAME'),
        (req(8, 'pin x read'), '@8', 'E_ARG'),
        (req(8, 'pin %d blink' % o), '@8', 'E_ARG'),
        (req(8, 'pin %d write' % o), '@8', 'E_ARG'),
        (req(8, 'pin %d pull sideways' % o), '@8', 'E_ARG'),
        (req(8, 'deadman soon'), '@8', 'E_ARG'),
        (req(9, 'pin %d write 2' % o), '@9', 'E_RANGE'),
        (req(9, 'pin 100 read'), '@9', 'E_RANGE'),
        (req(9, 'pin -1 read'), '@9', 'E_RANGE'),
        (req(9, 'pin %d pwm 1024' % pins('P')[0]), '@9', 'E_RANGE'),
        (req(9, 'pin %d pwm 1 %d' % (pins('P')[0], B.PWM_HZ + 1)), '@9', 'E_RANGE'),
        (req(9, 'deadman 60001'), '@9', 'E_RANGE'),
        (req(10, 'pin %d read' % absent), '@10', 'E_PIN'),
    ]
    inputs = [i for i in range(len(H_PINS)) if H_PINS[i] != '-' and 'O' not in H_PINS[i]]
    if inputs:
        cases.append((req(10, 'pin %d write 1' % inputs[0]), '@10', 'E_PIN'))
    bad = []
    for data, head, code in cases:
        got = ask(ag, data)
        if len(got) != 1:
            bad.append('%r -> %r' % (data, got))
            continue
        w = words(got[0]) if head else got[0].split(' ')
        want = [head, 'err', code] if head else ['err', code]
        if w[:len(want)] != want:
            bad.append('%r -> %r, want %s' % (data, got[0], ' '.join(want)))
    if [c for c in H.log if c[0] == 'pin' and c[2] == 'write']:
        bad.append('a refused request reached the HAL: %r' % H.log)
    for exc, code in ((MemoryError(), 'E_MEM'), (RuntimeError('driver'), 'E_INTERNAL'), (OSError(5), 'E_INTERNAL')):
        H.fault[0] = exc
        w = answer(ag, 11, 'pin %d read' % o)
        if w[:2] != ['err', code]:
            bad.append('HAL raising %r -> %r, want %s' % (exc, w, code))
    if bad:
        fail('; '.join(bad))


@check
def check_line_endings_and_pieces():
    ag = fresh()
    eq(ask(ag, b'ping\r'), ['ok 1000'], 'CR ending')
    eq(ask(ag, b'ping\r\n'), ['ok 1000'], 'CR LF ending: one answer')
    data = req(21, 'ping')
    for i in range(len(data)):
        ag.feed(data[i:i + 1])
    got = taken()
    eq(len(got), 1, 'answers to a request fed byte by byte')
    eq(words(got[0])[:2], ['@21', 'ok'], 'answer to a request fed byte by byte')
    got = ask(ag, req(22, 'ping') + req(23, 'led') + b'pi')
    eq([words(x)[0] for x in got], ['@22', '@23'], 'two requests in one piece, in order')
    eq(ask(ag, b'ng\n'), ['ok 1000'], 'the rest of a line that came with earlier ones')


@check
def check_long_line_refused():
    ag = fresh()
    got = ask(ag, b'x' * (B.LINE + 1))
    eq(len(got), 1, 'answers to an unfinished line over LINE (%r)' % got)
    if not got[0].startswith('err E_LONG'):
        fail('want err E_LONG, got %r' % got[0])


@check
def check_long_line_never_runs():
    # property 10: an overlong line is refused whole, however it arrives
    n = pins('O')[0]
    ag = fresh()
    whole = bytes('pin %d write 1 ' % n, 'ascii') + b'x' * B.LINE + b'\n'
    got = ask(ag, whole)
    bad = []
    if H.log:
        bad.append('a %d-byte line that came in one piece ran: %r -> %r' % (len(whole) - 1, H.log, got))
    del H.log[:]
    ask(ag, b'x' * (B.LINE + 1))
    got = ask(ag, b' led 1\n')
    if H.log:
        bad.append('the tail of an overlong line ran as a command: %r -> %r' % (H.log, got))
    if bad:
        fail('; '.join(bad))


@check
def check_deadman():
    n = pins('O')[0]
    ag = fresh()
    ok(ag, 30, 'pin %d write 1' % n)
    ok(ag, 31, 'deadman 100')
    H.now[0] += 60
    ag.poll()
    ok(ag, 32, 'ping')
    H.now[0] += 100
    ag.poll()
    eq(taken(), [], 'output 100 ms after the last request')
    eq(H.log[-1][0], 'pin', 'last HAL call before the deadman')
    H.now[0] += 1
    ag.poll()
    got = taken()
    eq(len(got), 1, 'events after 101 ms of silence (%r)' % got)
    eq(words(got[0])[2:], ['deadman', '100'], 'the deadman event')
    eq(H.log[-1], ['safe'], 'HAL call when the deadman fires')
    for _ in range(5):
        H.now[0] += 500
        ag.poll()
    eq(taken(), [], 'output after the deadman fired once')
    eq(len([c for c in H.log if c == ['safe']]), 1, 'safe() calls')
    ok(ag, 33, 'ping')
    H.now[0] += 101
    ag.poll()
    eq([words(x)[2] for x in taken()], ['deadman'], 'events after traffic re-armed it')
    ok(ag, 34, 'deadman 0')
    H.now[0] += 100000
    ag.poll()
    eq(taken(), [], 'output with the deadman off')


@check
def check_reset_and_reboot():
    ag = fresh()
    ok(ag, 40, 'reset')
    eq(H.log, [['safe']], 'HAL calls for reset')
    del H.log[:]
    ag.feed(req(41, 'reboot'))
    eq([words(x)[:2] for x in taken()], [['@41', 'ok']], 'answer to reboot, before rebooting')
    eq(H.log, [], 'HAL calls before poll()')
    ag.poll()
    eq(H.log, [['reboot']], 'HAL calls after poll()')


@check
def check_event_numbering():
    ag = fresh(ms=(1 << 24) + 7)
    ag.seq = 65534
    ag.event('x')
    ag.event('y')
    got = [words(x) for x in taken()]
    eq([w[:3] for w in got], [['@!65535', '7', 'x'], ['@!1', '7', 'y']], 'events at the wrap')


@check
def check_garbage_never_raises():
    ag = fresh()
    H.level_all[0] = 1
    nasty = [b'\x00\n', b'\xff\xfe\n', b' *\n', b'*\n', b'1 *\n', b'1  *0000\n', b'\x03\n', b'\n\n\r\r',
             b'99999999999999999999999 ping *0000\n', b'pin 99999999999999999999999 read\n',
             b'pin -0 read\n', b'deadman -5\n', b'pin 0 pwm 1 99999999999999999999\n',
             b'__import__\n', b'1 \xc3\xa9 *abcd\n', b'hello ' * 40 + b'\n', b'@1 ok *c872\n', b'@!1 5 boot\n',
             b'led 1 2 3 4\n', b'button a b\n', b'pin\n', b'pin 0 write 1 1 1 1\n', b'%s\n', b'%d %s *%s\n']
    vocab = [b'pin', b'led', b'button', b'hello', b'ping', b'deadman', b'reset', b'read', b'write',
             b'analog', b'pwm', b'pull', b'up', b'a', b'b', b'0', b'1', b'5', b'1023', b'70000', b' ',
             b' *', b'\n', b'\r', b'*', b'-', b'\t', b'12 ', b'99999']
    x = 12345
    data = []
    for d in nasty:
        data.append(d)
    for _ in range(4000):
        x = (x * 1103515245 + 12345) & 0x7fffffff
        r = x >> 16
        if r % 10 < 6:
            data.append(vocab[r % len(vocab)])
        elif r % 10 < 8:
            data.append(bytes([r & 0xff]))
        else:
            s = '%d ping' % (r % 10000)
            data.append(bytes(s + ' *' + fletcher(s) + '\n', 'ascii'))
    for d in data:
        try:
            ag.feed(d)
            H.now[0] += 7
            ag.poll()
        except Exception as e:
            fail('feeding %r raised %r' % (d, e))
    text = ''.join(H.out)
    bad = []
    for ln in text.split('\n')[:-1]:
        if not printable(ln):
            bad.append('unprintable: %r' % ln)
        elif ln.startswith('@'):
            if ln[-6:-4] != ' *' or fletcher(ln[:-6]) != ln[-4:]:
                bad.append('bad frame: %r' % ln)
        elif not (ln == 'ok' or ln.startswith('ok ') or ln.startswith('err E_')):
            bad.append('neither frame nor answer: %r' % ln)
    for c in H.log:
        if c[0] == 'pin':
            n, op = c[1], c[2]
            if n >= len(H_PINS) or H_PINS[n] == '-' or LETTER[op] not in H_PINS[n]:
                bad.append('HAL asked to %s pin %d (%s)' % (op, n, H_PINS[n] if n < len(H_PINS) else 'none'))
    if bad:
        fail('%d bad of %d lines: %s' % (len(bad), text.count('\n'), '; '.join(bad[:5])))
    if text.count('\n') < 500:
        fail('only %d lines answered' % text.count('\n'))


@check
def check_main_loop():
    # main.py unchanged: boot event, requests served, and outputs made safe on Ctrl-C
    H.clear()
    H.now[0] = 5
    n = pins('O')[0]
    H.inbox.extend([b'hello\n', req(1, 'ping'), bytes('pin %d write 1\n' % n, 'ascii')])
    H.stop[0] = 1
    try:
        __import__('main').serve()  # the board's loop, until read() raises
        fail('main.py returned')
    except KeyboardInterrupt:
        pass
    got = taken()
    eq(len(got), 4, 'lines from the main loop (%r)' % got)
    eq(words(got[0])[:3], ['@!1', '5', 'boot'], 'first line')
    if not got[1].startswith('ok proto=1 '):
        fail('hello answered %r' % got[1])
    eq(words(got[2])[:2], ['@1', 'ok'], 'ping answer')
    eq(got[3], 'ok', 'pin write answer')
    eq(H.log, [['pin', n, 'write', 1, 0], ['safe']], 'HAL calls (safe() last, from the finally)')


def main():
    for f in CHECKS:
        name = f.__name__
        try:
            f()
            report(name, True)
        except Skip as e:
            report(name, False, e.args[0])
        except Exception as e:
            report(name, False, None, trace(e))
    run_vectors()
    print('KBDONE')


main()
