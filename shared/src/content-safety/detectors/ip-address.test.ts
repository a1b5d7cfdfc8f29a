import { describe, expect, it } from 'vitest'
import type { DetectorContext } from '../detector.js'
import { ipAddressDetector } from './ip-address.js'

/** The spans' texts. Every row also checks mayContain: skipping find where it says false changes nothing. */
function found(text: string, context?: DetectorContext): string[] {
  const spans = ipAddressDetector.find(text, context)
  expect(ipAddressDetector.mayContain?.(text) === false ? [] : spans).toEqual(spans)
  return spans.map((span) => text.slice(span.start, span.end))
}

describe('ipAddressDetector', () => {
  it.each([
    ['192.168.1.1', '192.168.1.1'],
    ['connect to 10.0.0.12:8080 now', '10.0.0.12'],
    ['allow 172.16.0.0/12', '172.16.0.0'],
    ['the server is at 203.0.113.45.', '203.0.113.45'],
    ['{"host":"8.8.8.8"}', '8.8.8.8'],
    ['255.255.255.1', '255.255.255.1'],
    ['126.0.0.1', '126.0.0.1'],
    ['http://198.51.100.7/admin', '198.51.100.7'],
    ['GET /hosts/10.0.0.5', '10.0.0.5'],
    ['ssh deploy@10.1.2.3', '10.1.2.3'],
    ['scp file.txt root@192.0.2.10:/tmp', '192.0.2.10'],
    ['git clone git@192.0.2.11:team/repo.git', '192.0.2.11'],
    ['https://user:pw@192.0.2.10/x', '192.0.2.10'],
    ['ip=100.64.0.1;', '100.64.0.1'],
    ['2001:db8::1', '2001:db8::1'],
    ['bind [2001:db8:85a3::8a2e:370:7334]:443', '2001:db8:85a3::8a2e:370:7334'],
    ['2001:0db8:85a3:0000:0000:8a2e:0370:7334', '2001:0db8:85a3:0000:0000:8a2e:0370:7334'],
    ['listen on ::2', '::2'],
    ['fe80::1%eth0', 'fe80::1'],
    ['mapped ::ffff:192.0.2.128 here', '::ffff:192.0.2.128'],
    ['FE80::0202:B3FF:FE1E:8329', 'FE80::0202:B3FF:FE1E:8329'],
  ])('finds the address in %j', (text, expected) => {
    expect(found(text)).toEqual([expected])
  })

  it('finds both ends of a range', () => {
    expect(found('10.0.0.1-10.0.0.9')).toEqual(['10.0.0.1', '10.0.0.9'])
  })

  it('finds addresses of both families in one string', () => {
    expect(found('v4 192.0.2.1, v6 2001:db8::2')).toEqual(['192.0.2.1', '2001:db8::2'])
  })

  it.each([
    ['an octet above 255', '192.168.1.256'],
    ['a leading zero', '192.168.01.1'],
    ['three parts', '192.168.1'],
    ['five parts', '1.2.3.4.5'],
    ['an OID', '1.3.6.1.4.1.311'],
    ['digits glued to the quad', '192.168.1.1000'],
    ['a quad inside a word', 'ip_10.0.0.1'],
    ['a v-prefixed version', 'v1.2.3.4'],
    ['a version word', 'version 1.2.3.4'],
    ['a version label', 'Version: 10.0.19041.1'],
    ['a short version word', 'ver. 1.0.0.1'],
    ['a build number', 'build 4.2.0.1'],
    ['a package spec', 'npm i some-pkg@1.2.3.4'],
    ['a scoped package spec', '@scope/pkg@2.0.0.1'],
    ['a pre-release tag', 'release 1.2.3.4-beta'],
    ['a pre-release tag without a word', 'upgrade to 1.2.3.4-rc1'],
    ['a build tag', 'got 1.2.3.4+build.5'],
    ['a section number', 'see section 1.2.3.4'],
    ['a version in code', '[assembly: AssemblyFileVersion("7.6.10.99")]'],
    ['a changelog heading', 'intro\n## 3.4.9.4 - 2024-06-10\n'],
    ['a bracketed changelog heading', '## [1.2.7.2] - 2024-06-10'],
    ['an OID', 'oid 2.5.29.17'],
    ['the unspecified address', 'listen: 0.0.0.0:8080'],
    ['a loopback address', 'curl http://127.0.0.1:9090/metrics'],
    ['another loopback address', '127.1.2.3'],
    ['the limited broadcast address', '255.255.255.255'],
    ['a netmask', 'netmask 255.255.255.0'],
    ['a short netmask', '255.255.240.0'],
    ['the IPv6 loopback', 'curl http://[::1]:8080/'],
    ['the IPv6 loopback in full', '0:0:0:0:0:0:0:1'],
    ['the IPv6 unspecified address', '0:0:0:0:0:0:0:0'],
    ['a User-Agent product version', 'Mozilla/5.0 (X11) Chrome/120.0.0.0 Safari/537.36'],
    ['a decimal', '3.14159'],
    ['a date', '2024.01.15'],
    ['a time', '12:30:45'],
    ['a MAC address', '00:1A:2B:3C:4D:5E'],
    ['an EUI-64', '00:1a:2b:ff:fe:3c:4d:5e'],
    ['a C++ scope', 'std::vector'],
    ['a Rust path of hex-letter words', 'a::b'],
    ['hex words only', 'cafe::beef'],
    ['nine IPv6 groups', '1:2:3:4:5:6:7:8:9'],
    ['two compressions', '2001::db8::1'],
    ['a hex hash', 'deadbeefcafe0123'],
    ['a UUID', '123e4567-e89b-12d3-a456-426614174000'],
    ['a ratio', '16:9'],
  ])('finds nothing for %s', (_name, text) => {
    expect(found(text)).toEqual([])
  })

  it.each(['appVersion', 'version', 'build', 'build_number', 'release', 'oid', 'AssemblyFileVersion'])(
    'takes a quad under a member named %j for a version',
    (key) => {
      expect(found('1.2.3.4', { key })).toEqual([])
    },
  )

  it('takes a quad under other members for an address', () => {
    expect(found('1.2.3.4', { key: 'building' })).toEqual(['1.2.3.4'])
    expect(found('1.2.3.4', { key: 'host' })).toEqual(['1.2.3.4'])
  })

  it.each([
    ['a million digits and dots', '1.'.repeat(500_000)],
    ['a million colons', ':'.repeat(1_000_000)],
    ['hex groups', 'abcd:'.repeat(200_000)],
    ['quads in a row', '10.0.0.1 '.repeat(100_000)],
    ['package specs', 'p@1.2.3.4 '.repeat(100_000)],
  ])('stays linear on %s', (_name, text) => {
    const started = performance.now()
    ipAddressDetector.find(text)
    expect(performance.now() - started).toBeLessThan(5_000)
  })
})
