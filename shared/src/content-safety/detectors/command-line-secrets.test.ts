import { describe, expect, it } from 'vitest'
import { findCommandLineSecrets } from './command-line-secrets.js'

const PW = ['S3cret', '-pw1'].join('')

function found(text: string, named = true): string[] {
  return findCommandLineSecrets(text, named).map((span) => text.slice(span.start, span.end))
}

describe('findCommandLineSecrets', () => {
  it.each([
    ['a flag and a blank', `login --token ${PW}`],
    ['a flag and a quoted value', `deploy --password "${PW}"`],
    ['curl -u', `curl -u admin:${PW} https://grafana.internal/api`],
    ['curl --user', `curl --user admin:${PW} https://grafana.internal/api`],
    ['mysql -p attached', `mysql -h db -u root -p${PW} -e 'SHOW DATABASES;'`],
    ['docker login -p', `docker login registry.internal -u ci -p ${PW}`],
  ])('finds the secret in %s', (_name, text) => {
    expect(found(text)).toEqual([PW])
  })

  it('matches the example', () => {
    expect(findCommandLineSecrets(`docker login -u ci -p ${PW}`, false)).toEqual([{ start: 22, end: 32 }])
  })

  it.each([
    ['a flag without a credential name', `run --name ${PW}`],
    ['a bare word after a flag', 'pass --token to authenticate'],
    ['ssh -p with a port', 'ssh -p 2222 deploy@host'],
    ['docker -p with a port mapping', 'docker run -p 8080:80 nginx'],
    ['-p with a project name', 'gcloud config list -p MyProject'],
    ['cp -u -p with a file', 'cp -u -p notes.txt backup/'],
    ['curl -u without a password', 'curl -u admin https://grafana.internal/api'],
    ['curl -u with a placeholder', 'curl -u admin:$PASSWORD https://grafana.internal/api'],
    ['a URL after -u', `redis-cli -u redis://:${PW}@cache:6379/0`],
  ])('finds nothing in %s', (_name, text) => {
    expect(found(text)).toEqual([])
  })

  it('reads --name value only when the text has a credential word', () => {
    expect(found(`login --token ${PW}`, false)).toEqual([])
  })
})
